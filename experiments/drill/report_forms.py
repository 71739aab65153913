"""Blank report forms for the drill's participants: printable HTML and Word (.docx).

Participants receive, with the alarm, the fill-in-the-blank information report
forms (:mod:`scenarios.drill.report_templates`): the form for the drawn scene
first, then every other form of the set. Each form is one HTML page and one
.docx document holding its three reports: the first report (首报, with the
fill-in sentence), the follow-up (续报, numbered) and the final report (终报),
each a table of the field's label and an empty cell to write in, the required
fields marked ``*``. Both carry the exercise marking and the drill id
("演练" / "EXERCISE") at the top of every page, and are in the language in use
(:mod:`networks.i18n`); file names are the same in every language.

The .docx is what bureaus exchange; it is built with python-docx and opens in
Word and WPS (A4, tables in the "Table Grid" style, 宋体/黑体 for Chinese text).
Outputs are deterministic: the same script and language give the same bytes.
The document's creation and modification times are the time of the draw (public
in ``commitment.json``; a fixed date if the script's ``drawn_at`` is not a
time), and so are the dates of its zip entries.

:func:`report_forms` gives every file for a drill, as ``{relative path: bytes}``,
for the reveal to write beside the alarm.
"""

from __future__ import annotations

import html
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from networks import i18n
from networks.i18n import _
from scenarios.drill.report_templates import (
    CHOICE_TYPES,
    KINDS,
    ReportTemplate,
    ReportTemplates,
    TemplateField,
    kind_name,
    load_templates,
    sentence_parts,
)
from scenarios.drill.script import DrillScript

__all__ = [
    "FORMS_DIR",
    "form_docx",
    "form_html",
    "form_order",
    "report_forms",
]

#: Where the reveal puts the forms, relative to the revealed folder.
FORMS_DIR = "participants/forms/"
#: Creation time of documents whose drill has no readable time of the draw.
_FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)
#: The box printed before each option of a choice.
_BOX = "\u25a1"
#: Width of a blank in the fill-in sentence, in characters, by field type.
_BLANK_EM = {
    "integer": 3,
    "number": 4,
    "datetime": 9,
    "choice": 6,
    "multichoice": 6,
    "phone": 7,
    "longtext": 14,
}
_BLANK_DEFAULT = 8


def _marking(exercise_id: str) -> str:
    return _("*** EXERCISE {exercise} - THIS IS A DRILL ***").format(exercise=exercise_id)


def _form_title(template: ReportTemplate, kind: str) -> str:
    return _("{title} ({kind})").format(title=template.title_text(), kind=kind_name(kind))


def _prompt(f: TemplateField) -> str:
    """What the empty cell of a field shows before it is filled in (may be ``""``)."""
    if f.type in CHOICE_TYPES:
        boxes = "\u3000".join(f"{_BOX} {o}" for o in f.option_texts())
        tick = _("(tick one)") if f.type == "choice" else _("(tick all that apply)")
        return f"{boxes}\u3000{tick}"
    if f.type == "datetime":
        return _("yyyy-mm-dd hh:mm")
    return ""


def _hint(f: TemplateField) -> str:
    """The hint printed under a blank: the field's own, or the place prompt."""
    if f.hint_text():
        return f.hint_text()
    if f.type == "place":
        return _("county, township, village or road; landmark; coordinates if known")
    return ""


def form_order(
    templates: ReportTemplates, *, hazard: str | None = None, category: str | None = None
) -> tuple[ReportTemplate, ...]:
    """Every form, the scene's form (:meth:`ReportTemplates.lookup`) first, the rest in order."""
    first = templates.lookup(hazard, category) if hazard is not None else None
    rest = tuple(t for t in templates if t is not first)
    return ((first,) if first is not None else ()) + rest


# ------------------------------------------------------------------------- HTML

_CSS = (
    "@page{size:A4;margin:16mm 15mm}"
    'body{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun","宋体","Songti SC",'
    "serif;font-size:11pt;margin:2em;color:#000}"
    'h1,thead th{font-family:"Noto Sans CJK SC","Source Han Sans SC","SimHei","黑体",'
    '"Heiti SC","Microsoft YaHei",sans-serif}'
    "h1{font-size:16pt;text-align:center;margin:.3em 0 .7em}"
    "h2{font-size:12pt;margin:.8em 0 .3em}"
    ".banner{color:#b00;font-weight:bold;text-align:center;letter-spacing:.1em;margin:0}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}"
    "tr{break-inside:avoid;page-break-inside:avoid}"
    "th,td{border:1px solid #000;padding:4px 6px;vertical-align:top;text-align:left}"
    "thead th{background:#eee;text-align:center}"
    "tbody th{width:32%;font-weight:normal}"
    "td{height:2.2em}td.tall{height:7em}"
    ".req{color:#b00;font-weight:bold}"
    ".prompt,.unit{color:#444}"
    ".hint{display:block;color:#666;font-size:8.5pt;margin-top:.2em}"
    ".fill{line-height:2.4}"
    ".blank{display:inline-block;border-bottom:1px solid #000;margin:0 .2em}"
    ".legend,.note{font-size:9.5pt}"
    ".form{break-after:page;page-break-after:always}"
    ".form:last-child{break-after:auto;page-break-after:auto}"
    "@media print{body{margin:0}}"
)


def _html_cell(f: TemplateField) -> str:
    parts = []
    prompt = _prompt(f)
    if prompt:
        parts.append(f'<span class="prompt">{html.escape(prompt)}</span>')
    if f.type in ("integer", "number") and f.unit_text():
        blank = '<span class="blank" style="width:5em"></span>'
        parts.append(f'{blank}<span class="unit">{html.escape(f.unit_text())}</span>')
    hint = _hint(f)
    if hint:
        parts.append(f'<span class="hint">{html.escape(hint)}</span>')
    cls = ' class="tall"' if f.type == "longtext" else ""
    return f"<td{cls}>{''.join(parts)}</td>"


def _html_sentence(template: ReportTemplate) -> str:
    out = []
    for literal, key in sentence_parts(template.sentence_text()):
        out.append(html.escape(literal))
        if key is not None:
            f = template.field(key)
            em = _BLANK_EM.get(f.type, _BLANK_DEFAULT)
            out.append(
                f'<span class="blank" style="width:{em}em" '
                f'title="{html.escape(f.label_text(), quote=True)}"></span>'
            )
    return "".join(out)


def _html_form(template: ReportTemplate, kind: str, exercise_id: str) -> str:
    rows = []
    for f in template.fields_for(kind):
        req = ' <span class="req">*</span>' if f.required(kind) else ""
        rows.append(f"<tr><th>{html.escape(f.label_text())}{req}</th>{_html_cell(f)}</tr>")
    head = f"<tr><th>{html.escape(_('Item'))}</th><th>{html.escape(_('Entry'))}</th></tr>"
    body = [
        '<section class="form">',
        f'<p class="banner">{html.escape(_marking(exercise_id))}</p>',
        f"<h1>{html.escape(_form_title(template, kind))}</h1>",
    ]
    if kind == "first" and template.sentence_text():
        body.append(f"<h2>{html.escape(_('Quick report: fill in the blanks'))}</h2>")
        body.append(f'<p class="fill">{_html_sentence(template)}</p>')
    body.append(f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>")
    body.append(f'<p class="legend">{html.escape(_("* required in this report"))}</p>')
    if template.note_text():
        note = _("Notes: {note}").format(note=template.note_text())
        body.append(f'<p class="note">{html.escape(note)}</p>')
    body.append("</section>")
    return "".join(body)


def form_html(template: ReportTemplate, *, exercise_id: str) -> str:
    """One form's three blank reports as a printable HTML page, in the language in use.

    Parameters
    ----------
    template
        The form.
    exercise_id
        The drill's id, printed with the exercise marking at the top of each report.
    """
    title = template.title_text()
    forms = "".join(_html_form(template, kind, exercise_id) for kind in KINDS)
    return (
        f'<!DOCTYPE html>\n<html lang="{i18n.tag()}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} - {html.escape(exercise_id)}</title>"
        f"<style>{_CSS}</style></head><body>{forms}</body></html>\n"
    )


# ------------------------------------------------------------------------- .docx

#: Fonts: Latin text, Chinese body text, Chinese headings.
_LATIN, _SONG, _HEI = "Times New Roman", "宋体", "黑体"


def _east_asian(rpr_owner: Any, name: str) -> None:
    """Give a run or style the Chinese font ``name`` (python-docx sets only the Latin one)."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _setup(doc: Any) -> None:
    """A4 page, margins, the body font and the document language."""
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(22)
    section.left_margin = section.right_margin = Mm(20)
    section.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = _LATIN
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.15
    _east_asian(normal.element, _SONG)
    # The document's languages (spelling, line breaking): the template says en-US for both.
    for lang in doc.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), i18n.tag())
        lang.set(qn("w:eastAsia"), "zh-CN")


def _run(paragraph: Any, text: str, **style: Any) -> Any:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    if style.get("bold"):
        run.bold = True
    if style.get("underline"):
        run.underline = True
    if "size" in style:
        run.font.size = Pt(style["size"])
    if "grey" in style:
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    if "red" in style:
        run.font.color.rgb = RGBColor(0xBB, 0x00, 0x00)
    if "hei" in style:
        _east_asian(run._r, _HEI)
    return run


def _repeat_header(row: Any) -> None:
    """Print the table's first row again at the top of each page it runs onto."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _docx_table(doc: Any, template: ReportTemplate, kind: str) -> Any:
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Cm, Mm

    fields = template.fields_for(kind)
    table = doc.add_table(rows=1 + len(fields), cols=2)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    widths = (Mm(55), Mm(115))
    head = table.rows[0]
    _repeat_header(head)
    for cell, text in zip(head.cells, (_("Item"), _("Entry")), strict=True):
        _run(cell.paragraphs[0], text, bold=True, hei=True)
    for row, f in zip(table.rows[1:], fields, strict=True):
        label_cell, entry_cell = row.cells
        p = label_cell.paragraphs[0]
        _run(p, f.label_text())
        if f.required(kind):
            _run(p, " *", bold=True, red=True)
        entry = entry_cell.paragraphs[0]
        prompt = _prompt(f)
        if prompt:
            _run(entry, prompt, grey=True, size=10)
        if f.type in ("integer", "number") and f.unit_text():
            _run(entry, "\u3000" * 6 + f.unit_text(), grey=True)
        hint = _hint(f)
        if hint:
            _run(entry_cell.add_paragraph(), hint, grey=True, size=8.5)
        row.height = Cm(3.2) if f.type == "longtext" else Cm(0.9)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    # Word reads the cells' widths, LibreOffice and WPS the grid's: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    return table


def _docx_sentence(doc: Any, template: ReportTemplate) -> None:
    _run(doc.add_paragraph(), _("Quick report: fill in the blanks"), bold=True, hei=True)
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = 1.8
    for literal, key in sentence_parts(template.sentence_text()):
        if literal:
            _run(p, literal)
        if key is not None:
            f = template.field(key)
            _run(p, "\u3000" * _BLANK_EM.get(f.type, _BLANK_DEFAULT), underline=True)


def _issued(script: DrillScript) -> datetime:
    """The time of the draw (UTC, whole seconds), or a fixed date if it is not a time."""
    try:
        t = datetime.fromisoformat(script.drawn_at)
    except (TypeError, ValueError):
        return _FIXED_TIME
    t = t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    return t.replace(microsecond=0) if t.year >= 1980 else _FIXED_TIME


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """``data`` (a zip) re-packed with every entry dated ``when`` and fixed attributes."""
    stamp = when.astimezone(UTC).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            dst.writestr(entry, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def form_docx(
    template: ReportTemplate, *, exercise_id: str, issued: datetime = _FIXED_TIME
) -> bytes:
    """One form's three blank reports as a Word document (.docx), in the language in use.

    Parameters
    ----------
    template
        The form.
    exercise_id
        The drill's id, in the page header with the exercise marking.
    issued
        The document's creation and modification time (and its zip entries'
        dates; a time without an offset is taken as UTC); fixed, so the same
        inputs give the same bytes.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    _setup(doc)
    marking = _marking(exercise_id)
    header = doc.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(header, marking, bold=True, red=True, hei=True)
    for n, kind in enumerate(KINDS):
        if n:
            doc.add_page_break()
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(title, _form_title(template, kind), bold=True, size=16, hei=True)
        if kind == "first" and template.sentence_text():
            _docx_sentence(doc, template)
        _docx_table(doc, template, kind)
        _run(doc.add_paragraph(), _("* required in this report"), size=9.5)
        if template.note_text():
            note = _("Notes: {note}").format(note=template.note_text())
            _run(doc.add_paragraph(), note, size=9.5)
    issued = issued.replace(tzinfo=UTC) if issued.tzinfo is None else issued
    when = issued.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    props = doc.core_properties
    props.title = template.title_text()
    props.subject = marking
    props.author = props.last_modified_by = "yingji"
    props.comments = ""
    props.keywords = exercise_id
    props.category = template.key
    props.language = i18n.tag()
    props.revision = 1
    props.created = props.modified = when
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue(), issued)


# ------------------------------------------------------------------------ drills


def report_forms(
    script: DrillScript,
    *,
    templates: ReportTemplates | str | Path | None = None,
    prefix: str = FORMS_DIR,
) -> dict[str, bytes]:
    """The blank report forms of a drill, ``{relative path: bytes}``, scene's form first.

    Every form of the set is included, as ``NN_<key>.html`` and ``NN_<key>.docx``
    numbered in the order given (01 is the form for the drawn hazard, or for its
    category). Written in the language in use; the same script and language give
    the same bytes.

    Parameters
    ----------
    script
        The drawn drill (its scene picks the first form; its id marks every page).
    templates
        The forms: the shipped twelve (None), a loaded set, or a bureau's TOML file.
    prefix
        Prepended to every file name (the reveal's folder for participants' forms).
    """
    if templates is None or isinstance(templates, str | Path):
        templates = load_templates(templates)
    issued = _issued(script)
    order = form_order(templates, hazard=script.scene.hazard, category=script.scene.category)
    out: dict[str, bytes] = {}
    for n, t in enumerate(order, start=1):
        stem = f"{prefix}{n:02d}_{t.key}"
        out[f"{stem}.html"] = form_html(t, exercise_id=script.exercise_id).encode()
        out[f"{stem}.docx"] = form_docx(t, exercise_id=script.exercise_id, issued=issued)
    return out
