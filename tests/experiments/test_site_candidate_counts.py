"""``yingji site --map``: the console, ``coverage.json`` and the map agree; the map speaks zh.

The candidate sites are counted alike everywhere (nodes where another tier's
site stands are that tier's, not candidates), and the demand points' titles
name their minutes in the run's language.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

from experiments.cli import main
from experiments.metric_units import unit_text
from networks.i18n import _, language
from tests.experiments.webmap_pages import SITING, layer, page_data

TASKS = ("stations", "depots")


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory):
    """``yingji --lang zh site examples/siting.toml --map`` (both tasks) and its console."""
    out = tmp_path_factory.mktemp("site-zh")
    buf = io.StringIO()
    args = ["--lang", "zh", "site", str(SITING), "--map", "--no-plots", "--quiet"]
    with contextlib.redirect_stdout(buf):
        assert main([*args, "--out", str(out)]) == 0
    return out, buf.getvalue()


def _printed_candidates(console: str) -> list[int]:
    """The candidate counts the console prints, task by task (read with its own template)."""
    with language("zh"):
        template = _(
            "{demand} demand points {source}, {candidates} candidate sites, {fixed} fixed "
            "open; {others} site(s) of other tiers stay and serve"
        )
    pattern = re.escape(template).replace(re.escape("{candidates}"), r"(\d+)")
    pattern = re.sub(r"\\\{\w+\\\}", ".+?", pattern)
    return [int(n) for n in re.findall(pattern, console)]


def test_console_coverage_json_and_map_count_the_same_candidates(zh_site):
    out, console = zh_site
    printed = _printed_candidates(console)
    assert len(printed) == len(TASKS)
    for task, n in zip(TASKS, printed, strict=True):
        cov = json.loads((out / task / "coverage.json").read_text(encoding="utf-8"))
        data = page_data(out / task / "map.html")
        cand = layer(data, "candidates")["points"]
        others = layer(data, "other_tiers")["points"]
        assert cov["sizes"]["candidates"] == n == len(cand), task
        assert cov["sizes"]["other_tier_sites"] == len(others) > 0
        # No candidate marker stands on another tier's site (the county seat's city station).
        assert not {(p["x"], p["y"]) for p in cand} & {(p["x"], p["y"]) for p in others}


def test_chinese_site_map_names_demand_minutes_in_chinese(zh_site):
    out, _console = zh_site
    with language("zh"):
        minutes = unit_text("min")
    assert minutes != "min"
    for task in TASKS:
        demand = [p for p in layer(page_data(out / task / "map.html"), "demand")["points"]
                  if p["v"] is not None]  # fmt: skip
        assert demand
        # The title is the point's minutes, as its colour says, in the unit word of zh.
        title = re.compile(rf"(\d+\.\d) {re.escape(minutes)}")
        bad = [p["name"] for p in demand if not title.fullmatch(p["name"])]
        assert bad == []
        assert all(abs(float(p["name"].split()[0]) - p["v"]) <= 0.05 + 1e-9 for p in demand)
