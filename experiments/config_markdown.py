"""Rendering the configuration reference as Markdown (``docs/config.md``).

:func:`render_reference` turns the file kinds of :mod:`experiments.config_reference`
into one Markdown page: a table per section (key, type, default, allowed values,
meaning, with the bureaus' Chinese term beside a key where there is one), then the
vocabularies the keys draw on. The page is English; machine keys stay as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from scenarios.config_keys import Key, Section, toml_value

if TYPE_CHECKING:
    from experiments.config_reference import FileKind

__all__ = ["render_reference"]

REGENERATE = "python -m experiments.config_reference > docs/config.md"

_TYPES = (
    ("string", "Text in double quotes."),
    ("integer", "A whole number."),
    ("number", "A number (inf where the key says so)."),
    ("boolean", "true or false."),
    ("path", "A file name, relative to the file that names it (or absolute)."),
    ("table", "A TOML table, [name] or { key = value }."),
    ("array of tables", "[[name]] tables, or a list of inline tables."),
    ("list", "A TOML array, [a, b]."),
    ("distribution", "Random minutes: a table such as { dist = \"lognormal\", mean = 30, "
     "cv = 0.5 } (see Distribution), or a bare number for a fixed value. Graded (per grade "
     "I-IV) where the key says so: any parameter may be a list of four."),
    ("location", "A place on the network. In a run config: { node = 12 }, { osmid = 123 }, "
     "{ lon = 121.47, lat = 31.23 } or [121.47, 31.23], { x = 5200.0, y = -800.0 }, or "
     "\"landmark:Xiba Town\" (snapped within 500 m). In a scenario: see Location table."),
    ("date-time", "A TOML date-time (2026-12-01T08:00:00+08:00) or the same as a string."),
    ("minutes by grade", "Minutes, or a list of four for grades I-IV (false: no limit)."),
    ("any", "As the meaning says."),
)  # fmt: skip


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`"


def _number(v: float) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        v = int(v)
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    return f"{v:g}"


def _bounds(k: Key) -> str:
    lo, hi = k.lo, k.hi
    if lo is None and hi is None:
        return ""
    if lo is not None and hi is not None and not k.lo_open:
        return f"{_number(lo)} to {_number(hi)}"
    parts = []
    if lo is not None:
        parts.append(f"{'>' if k.lo_open else '>='} {_number(lo)}")
    if hi is not None:
        parts.append(f"<= {_number(hi)}")
    return ", ".join(parts)


def allowed(k: Key) -> str:
    """What a key accepts, in words (its names, choices, bounds and notes)."""
    parts = []
    if k.names:
        parts.append("one of " + ", ".join(_code(n) for n in k.names))
    if k.choices is not None:
        parts.append(", ".join(_code(c) for c in k.choices))
    if k.lo is not None or k.hi is not None:
        parts.append(_bounds(k))
    if k.allowed_text:
        parts.append(k.allowed_text)
    return "; ".join(parts)


def default(k: Key) -> str:
    """A key's default as the reference shows it."""
    if k.required:
        return "**required**"
    if k.default is None:
        return k.default_text or "—"
    return _code(toml_value(k.default))


def _key_name(k: Key) -> str:
    name = _code(k.name)
    return f"{name} {k.zh}" if k.zh else name


def header(s: Section) -> str:
    """A section's heading: its TOML header (or table name), title and Chinese term."""
    if s.columns or s.path.startswith("<"):
        where = s.title
    else:
        path, _sep, rest = s.path.partition(" ")
        arr = path.endswith("[]")
        path = path.replace("[]", "")
        where = ("top level" if not path else _code(f"[[{path}]]" if arr else f"[{path}]")) + (
            f" {rest}" if rest else ""
        )
        where = f"{where} — {s.title}"
    return f"### {where}" + (f" · {s.zh}" if s.zh else "")


def section_text(s: Section) -> list[str]:
    """The Markdown lines of one section."""
    out = [header(s), ""]
    if s.help:
        out += [s.help, ""]
    first = "column" if s.columns else "key"
    out += [f"| {first} | type | default | allowed | meaning |", "|---|---|---|---|---|"]
    for k in s.keys:
        cells = (_key_name(k), k.type, default(k), allowed(k), k.help)
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return [*out, ""]


def _vocabularies() -> list[str]:
    """The fixed vocabularies keys draw on, with their Chinese names."""
    from experiments.siting.task import facilities_text
    from networks.i18n import language
    from networks.speeds import DRIVABLE_HIGHWAYS
    from scenarios import list_scenarios, load_catalogue, load_scenario
    from scenarios.catalogue import SUPPLY_ITEMS
    from scenarios.places import SOURCE_KINDS
    from scenarios.stream import CATEGORIES
    from scenarios.terms import capability_name, category_name, source_name, supply_name
    from sim.depots import DEPOT_TIERS
    from sim.duty import LEVELS
    from sim.stations import CAPABILITIES, STATION_TIERS

    cat = load_catalogue()
    with language("zh"):
        rows: list[tuple[str, Sequence[tuple[str, str]]]] = [
            ("Team capabilities", [(c, capability_name(c)) for c in CAPABILITIES]),
            ("Supply items", [(s, supply_name(s)) for s in SUPPLY_ITEMS]),
            ("Station tiers", [(t, facilities_text("stations", t)) for t in STATION_TIERS]),
            ("Depot tiers", [(t, facilities_text("depots", t)) for t in DEPOT_TIERS]),
            ("Levels of government", [(lv, "") for lv in LEVELS]),
            ("Categories of emergency", [(c, category_name(c)) for c in CATEGORIES]),
            (
                "Hazards of the shipped catalogue",
                [(h, cat[h].label()) for h in cat.keys],
            ),  # fmt: skip
            ("Time-of-day profiles", [(p, "") for p, _v in cat.profiles]),
            ("Hazard-source kinds", [(k, source_name(k)) for k in SOURCE_KINDS]),
            ("Shipped scenarios", [(n, load_scenario(n).label()) for n in list_scenarios()]),
            ("Road classes (network.speeds)", [(h, "") for h in sorted(DRIVABLE_HIGHWAYS)]),
        ]
    out = ["## Vocabularies · 词汇", ""]
    for title, items in rows:
        words = ", ".join(_code(k) + (f" {zh}" if zh and zh != k else "") for k, zh in items)
        out += [f"**{title}**: {words}.", ""]
    return out


def _intro() -> list[str]:
    lines = [
        "# Configuration reference · 配置参考",
        "",
        "<!-- Generated from the validators' key records; do not edit by hand. -->",
        "",
        "Every key of every file yingji reads, as the validators declare it. Regenerate "
        "this page after changing a validator with",
        "",
        "```bash",
        REGENERATE,
        "```",
        "",
        "(`tests/experiments/test_config_reference.py` fails until it is). A key not listed "
        "here is refused, like any bad value: one line naming the file and the dotted key, "
        "exit status 2. **required** keys must be given; — marks an optional key with no "
        "default value. A key in angle brackets (`<hazard>`) stands for any of the names it "
        "lists. Chinese terms beside titles and keys are the bureaus' words.",
        "",
        "## Value types",
        "",
        "| type | written as |",
        "|---|---|",
    ]
    lines += [f"| {t} | {_cell(text)} |" for t, text in _TYPES]
    return [*lines, ""]


def render_reference(files: Iterable[FileKind]) -> str:
    """The whole reference as Markdown."""
    out = _intro()
    for f in files:
        out += [f"## {f.title} · {f.zh}", "", f.help, ""]
        for s in f.sections:
            out += section_text(s)
    out += _vocabularies()
    text = "\n".join(out)
    return text.rstrip("\n") + "\n"
