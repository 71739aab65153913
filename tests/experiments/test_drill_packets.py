"""Role packets: the controllers' CSV round-trips, the sheet holds every item, HTML is escaped."""

from __future__ import annotations

import csv
import dataclasses
import io
from html.parser import HTMLParser

import pytest

from experiments.drill import gbt_standards, packets
from experiments.drill.benchmark import benchmark_timeline
from experiments.drill.escalation_links import escalation_links
from scenarios.catalogue import load_catalogue
from tests.scenarios.test_drill_draw import draws, make_drawer


@pytest.fixture(scope="module")
def scripts(county):
    out = []
    for blind in ("six-no", "double"):
        d = make_drawer(county, blind=blind, grades=[2, 3])
        for s in draws(d, 3, first=40):
            rows = benchmark_timeline(s, county, load_catalogue(), units=d.units, stores=d.stores)
            out.append(s.with_evaluation(benchmark=rows))
    return out


def test_inject_csv_round_trips_every_field(scripts):
    for s in scripts:
        rows = list(csv.DictReader(io.StringIO(packets.injects_csv(s))))
        assert len(rows) == len(s.injects)
        for r, i in zip(rows, s.injects, strict=True):
            assert int(r["no"]) == i.no and float(r["offset_min"]) == i.offset_min
            for f in (
                "trigger",
                "kind",
                "sender",
                "recipient",
                "channel",
                "message",
                "expected_action",
                "capability",
            ):
                assert r[f] == getattr(i, f)
        # each text column has a Chinese companion, whatever the language
        assert {c for c in rows[0] if c.endswith("_zh")} == {
            f"{c}_zh"
            for c in (
                "trigger",
                "sender",
                "recipient",
                "channel",
                "message",
                "expected_action",
                "capability",
            )
        }


def test_evaluation_sheet_lists_targets_deadlines_actions_and_benchmark(scripts):
    for s in scripts:
        md = packets.evaluation_markdown(s)
        for i in s.injects:
            assert packets._md_cell(i.expected_action) in md
        for level in s.evaluation["scale"]["levels"]:
            assert level in md
        # the deadlines as the time standards count them, in words, with what they count from
        rows = [r for r in gbt_standards.time_standards(s) if r.ref.startswith("report:")]
        quoted = s.evaluation["reporting"]["deadlines_min"].values()
        # (a written report an upgrade brought forward is timed by the new grade's limit)
        rr = gbt_standards._reporting(s)  # the draw's, or made from the sheet's old table
        brought = escalation_links(s.injects, rr)[2]
        replaced = {
            x["limit_min"] for x in rr["limits"]
            if x["grade"] == rr["grade"] and x["report"] == "written_first"
            and x["from"] == "call" and x["to"] in brought
        }  # fmt: skip
        assert {v for v in quoted if v is not None} <= {r.target_min for r in rows} | replaced
        for r in rows:
            cells = (packets._md_cell(r.item), f"{r.target_min:g}", packets._md_cell(r.start))
            assert "| {} | {} | {} |".format(*cells) in md
        assert "| Call taken | 1 |" in md and "| First team on scene | 11 |" in md
        for r in s.evaluation["benchmark"]:
            assert packets._md_cell(r["event"]) in md
        assert ("## Roles" in md) == (s.blind_level == "six-no")
        assert s.scene.place in packets.injects_markdown(s)
        assert "](map.png)" in md and "map.png" not in packets.evaluation_markdown(s, None)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data) -> None:
        self.text.append(data)


def test_html_pages_escape_what_they_print(scripts):
    s = scripts[0]
    evil = "<script>alert('x')</script> & <b>"
    first = s.injects[0]
    first = dataclasses.replace(first, message=evil, texts={**first.texts, "message": evil})
    bad = dataclasses.replace(s, injects=(first,) + s.injects[1:])
    for page in (packets.injects_html(bad), packets.evaluation_html(bad)):
        p = _Text()
        p.feed(page)
        assert "script" not in p.tags and "b" not in p.tags
    p = _Text()
    p.feed(packets.injects_html(bad))
    assert evil in "".join(p.text)
