"""Markdown and HTML tables and the printable page shell of the drill packets.

* :func:`md_table`: a Markdown table (cells escaped by :func:`md_cell`);
* :func:`html_table`: an HTML table, every cell escaped;
* :func:`html_page`: a self-contained printable page with the exercise banner,
  in the language in use (``<html lang="zh-CN">`` in Chinese).
"""

from __future__ import annotations

import html
from typing import Any

from networks import i18n
from networks.i18n import _


def md_cell(v: Any) -> str:
    """``v`` as the text of one Markdown table cell (``|`` escaped, on one line)."""
    return str(v).replace("|", "\\|").replace("\n", " ")


def md_table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table of ``rows`` under ``header``."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def html_table(header: list[str], rows: list[list[Any]]) -> str:
    """An HTML table of ``rows`` under ``header``, every cell escaped."""
    th = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


_CSS = (
    "body{font-family:sans-serif;margin:2em;font-size:11pt}"
    "table{border-collapse:collapse;width:100%;margin:1em 0}"
    "th,td{border:1px solid #888;padding:4px;vertical-align:top;text-align:left}"
    "th{background:#eee}.banner{color:#b00;font-weight:bold}"
    "@media print{body{margin:0}}"
)


def html_page(title: str, body: str) -> str:
    """A printable page: the drill banner, ``title`` as heading, then ``body`` (HTML)."""
    banner = _("EXERCISE - THIS IS A DRILL - RESTRICTED")
    return (
        f'<!DOCTYPE html>\n<html lang="{i18n.tag()}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<p class="banner">{html.escape(banner)}</p>'
        f"<h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )
