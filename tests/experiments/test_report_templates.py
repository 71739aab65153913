"""The twelve report forms: in both languages, validated, scored, printed the same twice."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

import pytest

from experiments.drill.report_forms import FORMS_DIR, form_docx, form_html, report_forms
from networks import i18n
from networks.errors import ConfigError
from scenarios.catalogue import load_catalogue
from scenarios.drill import generator_from_seed, seed_from_int
from scenarios.drill.report_templates import (
    FIELD_TYPES,
    KINDS,
    ReportTemplates,
    completeness,
    load_templates,
    report_kind,
    sentence_parts,
    shipped_templates_path,
)
from scenarios.stream import CATEGORIES
from tests.scenarios.test_drill_draw import make_drawer

HAN = re.compile(r"[\u4e00-\u9fff]")
#: What every incident form's first report must hold (missing/trapped: see below).
FIRST_CORE = {
    "time", "place", "event_type", "grade", "dead", "injured", "reporter", "contact",
    "report_unit", "report_time",
}  # fmt: skip


@pytest.fixture(scope="module")
def forms() -> ReportTemplates:
    return load_templates()


@pytest.fixture(scope="module")
def script(county):
    d = make_drawer(county, hazards=["landslide"], injects=[])
    return d.draw(
        rng=generator_from_seed(seed_from_int(0)),
        exercise_id="SC-TEST-1",
        drawn_at="2026-11-24T05:28:04+00:00",
    )


# ------------------------------------------------------------------ the shipped set


def test_the_shipped_file_has_twelve_forms_over_every_category(forms):
    assert len(forms) == 12 and len(set(forms.keys)) == 12
    assert [t.key for t in forms.for_purpose("public_opinion")] == ["public_opinion"]
    incident = forms.for_purpose("incident")
    assert len(incident) == 11
    assert {t.category for t in incident} == set(CATEGORIES)
    assert forms.source == str(shipped_templates_path())


def test_every_text_is_given_in_english_and_chinese(forms):
    for t in forms:
        assert t.title and HAN.search(t.title_zh), t.key
        assert t.note and HAN.search(t.note_zh), t.key
        assert t.sentence and HAN.search(t.sentence_zh), t.key
        blanks = [{k for _, k in sentence_parts(x) if k} for x in (t.sentence, t.sentence_zh)]
        assert blanks[0] == blanks[1], t.key
        for f in t.fields:
            where = f"{t.key}.{f.key}"
            assert f.type in FIELD_TYPES
            assert f.label and not HAN.search(f.label), where
            assert HAN.search(f.label_zh), where
            assert bool(f.hint) == bool(f.hint_zh), where
            assert bool(f.unit) == bool(f.unit_zh), where
            assert len(f.options) == len(f.options_zh), where
            assert all(o and not HAN.search(o) for o in f.options), where
            assert all(o for o in f.options_zh), where


def test_first_reports_must_hold_the_core_facts(forms):
    for t in forms.for_purpose("incident"):
        first = {f.key for f in t.required_fields("first")}
        assert FIRST_CORE <= first, (t.key, FIRST_CORE - first)
        # Nobody is trapped or missing in an outbreak or a poisoning; everywhere else
        # the first report must say so.
        if t.category != "public_health":
            assert {"missing", "trapped", "damage", "trend", "actions", "forces", "needs"} <= first
    bulletin = forms["public_opinion"]
    first = {f.key for f in bulletin.required_fields("first")}
    assert {"time", "event_type", "grade", "reporter", "contact", "topic", "spread"} <= first


def test_follow_ups_are_numbered_and_finals_summarise(forms):
    for t in forms:
        assert {"followup_no", "as_of", "changes", "reporter", "contact"} <= {
            f.key for f in t.required_fields("followup")
        }, t.key
        assert {"summary", "response_end", "signed_by"} <= {
            f.key for f in t.required_fields("final")
        }, t.key
        assert [f.key for f in t.fields_for("first") if f.key in ("followup_no", "changes")] == []
        if t.purpose == "incident":
            assert "aftermath" in {f.key for f in t.required_fields("final")}, t.key
        for kind in KINDS:
            assert all(f.is_on(kind) for f in t.required_fields(kind))


def test_every_hazard_of_the_catalogue_has_a_form_of_its_category(forms):
    for h in load_catalogue():
        t = forms.lookup(h.key, h.category)
        assert t is not None and h.key in t.hazards and t.category == h.category, h.key
    # a bureau's own hazard falls back to the first form of its category
    assert forms.lookup("sinkhole", "natural_disaster").key == "meteorological_hydrological"
    assert forms.lookup("boiler_explosion", "accident").key == "work_safety"
    assert forms.lookup("sinkhole", None) is None


def test_the_set_round_trips_through_its_table(forms):
    again = ReportTemplates.from_dict(forms.to_dict(), source="again")
    assert again.templates == forms.templates


# ------------------------------------------------------------------- a bureau's own

GOOD_FIELDS = """
[fields.time]
label = "Time"
label_zh = "时间"
type = "datetime"
first_required = true

[fields.kind]
label = "Kind"
type = "choice"
options = ["a", "b"]
"""


def _write(tmp_path, text: str):
    path = tmp_path / "bureau.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _template(fields: str = '"time", "kind"', extra: str = "") -> str:
    return (
        f'[templates.ours]\ntitle = "Our form"\ncategory = "accident"\nfields = [{fields}]\n{extra}'
    )


def test_a_bureau_file_replaces_the_shipped_forms(tmp_path):
    own = """
[templates.ours.define.note]
label = "备注"
type = "longtext"
on = ["final"]
final_required = true
"""
    path = _write(tmp_path, GOOD_FIELDS + _template('"time", "kind", "note"', own))
    forms = load_templates(path)
    assert forms.keys == ("ours",)
    t = forms["ours"]
    assert [f.key for f in t.required_fields("first")] == ["time"]
    assert [f.key for f in t.fields_for("final")] == ["time", "kind", "note"]
    assert t.field("note").label_text() == "备注"  # a Chinese-only label is shown as given
    assert forms.lookup("anything", "accident") is t


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        (GOOD_FIELDS.replace('"datetime"', '"clock"') + _template(), "fields.time.type", "clock"),
        (
            GOOD_FIELDS + _template(extra='[templates.ours.define.kind]\ntype = "list"\n'),
            "templates.ours.define.kind.type",
            "list",
        ),
        (GOOD_FIELDS.replace('label = "Time"\n', "") + _template(), "fields.time.label", "missing"),
        (
            GOOD_FIELDS + _template('"time", "kind", "time"'),
            "templates.ours.fields[2]",
            "duplicate",
        ),
        (GOOD_FIELDS + _template('"time", "where"'), "templates.ours.fields[1]", "where"),
        (
            GOOD_FIELDS + _template(extra="[templates.ours.define.kind]\noptions = []\n"),
            "templates.ours.define.kind.options",
            "option",
        ),
        (
            GOOD_FIELDS + _template(extra='[templates.ours.define.kind]\noptions_zh = ["甲"]\n'),
            "templates.ours.define.kind.options_zh",
            "2",
        ),
        (
            GOOD_FIELDS
            + _template(
                extra='[templates.ours.define.time]\non = ["first"]\nfinal_required = true\n'
            ),
            "templates.ours.define.time.final_required",
            "final",
        ),
        (
            GOOD_FIELDS + _template(extra='sentence = "At {time}, {place}."\n'),
            "templates.ours.sentence",
            "place",
        ),
        (
            GOOD_FIELDS + _template(extra='[templates.ours.define.colour]\nlabel = "x"\n'),
            "templates.ours.define.colour",
            "fields",
        ),
        (
            GOOD_FIELDS
            + _template(extra='hazards = ["fire"]\n')
            + _template(extra='hazards = ["fire"]\n').replace("ours", "theirs"),
            "templates.theirs.hazards[0]",
            "ours",
        ),
        (
            GOOD_FIELDS + _template().replace('"accident"', '"weather"'),
            "templates.ours.category",
            "",
        ),
        (GOOD_FIELDS + _template(extra='colour = "red"\n'), "templates.ours.colour", "unknown"),
        (GOOD_FIELDS, "templates", "templates"),
    ],
)
def test_a_bad_bureau_file_names_the_file_and_the_key(tmp_path, text, key, words):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_templates(path)
    message = str(err.value)
    assert str(path) in message and key in message and words in message, message
    if key:
        assert err.value.key == key


# ---------------------------------------------------------------------- completeness


def test_completeness_lists_the_required_fields_left_blank(forms):
    t = forms["geological"]
    required = [f.key for f in t.required_fields("first")]
    full = dict.fromkeys(required, "x")
    assert completeness(t, "first", full) == ()
    assert completeness(t, "first", set(required)) == ()
    assert completeness(t, "首报", full) == ()
    gaps = {**full, "dead": 0, "trapped": None, "contact": "  ", "grade": [], "unknown": ""}
    assert completeness(t, "first", gaps) == ("grade", "trapped", "contact")
    assert completeness(t, "first", {}) == tuple(required)
    assert completeness(t, "followup", full) == ("followup_no", "as_of", "changes")
    assert "aftermath" in completeness(t, "final", full)
    with pytest.raises(ValueError):
        completeness(t, "second", full)
    assert [report_kind(k) for k in ("First", "续报", "follow-up", "终报", "x")] == [
        "first",
        "followup",
        "followup",
        "final",
        None,
    ]


# --------------------------------------------------------------------- printed forms


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def handle_data(self, data) -> None:
        self.chunks.append(data)


def _html_text(page: str) -> str:
    p = _Text()
    p.feed(page)
    return "".join(p.chunks)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_html_form_has_every_label_in_the_drill_language(forms, lang):
    with i18n.language(lang):
        for t in forms:
            page = form_html(t, exercise_id="SC-<1>")
            assert f'<html lang="{i18n.TAGS[lang]}">' in page and "SC-<1>" not in page
            text = _html_text(page)
            assert "SC-<1>" in text and t.title_text() in text
            for kind in KINDS:
                assert text.count(t.title_text()) >= 3
                for f in t.fields_for(kind):
                    assert f.label_text() in text, (lang, t.key, f.key)
                    for o in f.option_texts():
                        assert o in text
            assert page.count('<section class="form">') == 3
    with i18n.language("zh"):
        page = _html_text(form_html(forms["earthquake"], exercise_id="X"))
        assert "演练" in page and "震中位置及主要受灾区域" in page and "Epicentre" not in page


def _docx(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_docx_form_opens_with_a_table_per_report(forms, lang):
    t = forms["hazardous_chemicals"]
    with i18n.language(lang):
        doc = _docx(form_docx(t, exercise_id="SC-TEST-1"))
        assert len(doc.tables) == len(KINDS)
        for table, kind in zip(doc.tables, KINDS, strict=True):
            fields = t.fields_for(kind)
            assert len(table.rows) == 1 + len(fields) and len(table.columns) == 2
            for row, f in zip(table.rows[1:], fields, strict=True):
                label, entry = (c.text for c in row.cells)
                assert label == f.label_text() + (" *" if f.required(kind) else "")
                assert all(o in entry for o in f.option_texts())
            assert [c.text for c in table.rows[0].cells] == [i18n._("Item"), i18n._("Entry")]
        header = doc.sections[0].header.paragraphs[0].text
        assert "SC-TEST-1" in header and ("演练" if lang == "zh" else "EXERCISE") in header
        body = "\n".join(p.text for p in doc.paragraphs)
        assert t.title_text() in body
        assert doc.core_properties.title == t.title_text()
        section = doc.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_drill_forms_put_the_scene_form_first_and_repeat_byte_for_byte(forms, script, tmp_path):
    with i18n.language("zh"):
        files = report_forms(script)
        again = report_forms(script)
    assert files == again and list(files) == list(again)
    names = list(files)
    assert len(names) == 24 and all(n.startswith(FORMS_DIR) for n in names)
    assert names[:2] == [f"{FORMS_DIR}01_geological.html", f"{FORMS_DIR}01_geological.docx"]
    assert {re.sub(r"^.*/(\d\d)_.*$", r"\1", n) for n in names} == {
        f"{i:02d}" for i in range(1, 13)
    }
    assert {re.sub(r"^.*/\d\d_|\.\w+$", "", n) for n in names} == set(forms.keys)
    # zip entries and document times are the time of the draw, not of the reveal
    with zipfile.ZipFile(io.BytesIO(files[names[1]])) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 24, 5, 28, 4)}
    assert (
        _docx(files[names[1]]).core_properties.created.isoformat().startswith("2026-11-24T05:28:04")
    )
    with i18n.language("en"):
        english = report_forms(script)
    assert list(english) == names and english[names[0]] != files[names[0]]
    assert b'lang="en-US"' in english[names[0]]
    # a bureau's own file, by path
    path = _write(tmp_path, GOOD_FIELDS + _template())
    with i18n.language("en"):
        own = report_forms(script, templates=path, prefix="")
    assert list(own) == ["01_ours.html", "01_ours.docx"]
