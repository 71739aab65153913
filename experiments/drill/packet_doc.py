"""The drill packets' document builder: one description written as Markdown or printable HTML.

:class:`_Doc` collects headings, paragraphs, lists, tables, raw blocks and page breaks
in order; :meth:`_Doc.markdown` and :meth:`_Doc.html` write them out under a title
(tables by :mod:`experiments.drill.packet_tables`).
"""

from __future__ import annotations

import html
from typing import Any

from experiments.drill.packet_tables import html_page, html_table, md_table

__all__ = ["_Doc"]


class _Doc:
    """A document built once and written as Markdown or HTML."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, Any]] = []

    def h2(self, text: str) -> None:
        self.parts.append(("h2", text))

    def h3(self, text: str) -> None:
        self.parts.append(("h3", text))

    def p(self, text: str) -> None:
        self.parts.append(("p", text))

    def items(self, lines: list[str]) -> None:
        self.parts.append(("ul", lines))

    def table(self, header: list[str], rows: list[list[Any]]) -> None:
        self.parts.append(("table", (header, rows)))

    def raw(self, md: str, page: str) -> None:
        self.parts.append(("raw", (md, page)))

    def page_break(self) -> None:
        self.parts.append(("break", None))

    def markdown(self, title: str) -> str:
        out = [f"# {title}", ""]
        for kind, v in self.parts:
            if kind == "h2":
                out += [f"## {v}", ""]
            elif kind == "h3":
                out += [f"### {v}", ""]
            elif kind == "p":
                out += [v, ""]
            elif kind == "ul":
                out += [f"- {line}" for line in v] + [""]
            elif kind == "table":
                out += [md_table(*v), ""]
            elif kind == "raw":
                out += [v[0], ""]
            elif kind == "break":
                out += ["---", ""]
        return "\n".join(out)

    def html(self, title: str) -> str:
        body = []
        for kind, v in self.parts:
            if kind in ("h2", "h3", "p"):
                body.append(f"<{kind}>{html.escape(v)}</{kind}>")
            elif kind == "ul":
                body.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in v) + "</ul>")
            elif kind == "table":
                body.append(html_table(*v))
            elif kind == "raw":
                body.append(v[1])
            elif kind == "break":
                body.append('<div style="page-break-before:always"></div>')
        return html_page(title, "".join(body))
