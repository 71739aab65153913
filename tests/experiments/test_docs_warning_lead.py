"""The warning lead-time table of docs/simulation.md is generated (audit_ops finding 2).

``python -m experiments.docs_numbers --check`` reruns ``examples/warning_lead.toml``
(slow, about a minute) and compares; these tests check that the regions are
marked and registered, and how the figures are laid out, from analysis rows
made here.
"""

from __future__ import annotations

import re
import tomllib

from experiments.docs_numbers import REPO, marked
from experiments.docsgen import all_blocks
from experiments.docsgen.warning_blocks import (
    ROWS,
    WARNING_LEAD,
    read_results,
    short_sentence,
    table,
)

NAMES = {"warning-lead-table", "warning-lead-short", "warning-lead-incidents", "warning-lead-wait"}
EXAMPLE = REPO / "examples" / "warning_lead.toml"


def _analysis(leads, values):
    """points.csv and paired.csv rows: ``values[metric] = (means by point, diffs by point)``."""
    points, paired = [], []
    for metric, (means, diffs) in values.items():
        for p, lead in enumerate(leads):
            label = f"warnings.lead_h={lead}"
            points.append({"point": str(p), "label": label, "metric": metric,
                           "mean": str(means[p])})  # fmt: skip
            d, lo, hi = diffs[p]
            paired.append({"point": str(p), "label": label, "metric": metric, "diff": str(d),
                           "ci_low": str(lo), "ci_high": str(hi)})  # fmt: skip
    return points, paired


def test_the_regions_are_marked_and_generated_by_the_slow_session():
    blocks = {b.name: b for b in all_blocks() if b.name in NAMES}
    assert set(blocks) == NAMES
    assert all(b.path == "docs/simulation.md" and b.slow for b in blocks.values())
    assert all(b.sessions == (WARNING_LEAD,) for b in blocks.values())
    regions = {r.name: r for r in marked(REPO)["docs/simulation.md"][1]}
    assert NAMES <= set(regions)
    assert regions["warning-lead-table"].block  # the whole table, markers on their own lines


def test_the_documented_table_has_the_examples_lead_times_and_every_row():
    levels = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["factors"][0]["levels"]
    (region,) = [r for r in marked(REPO)["docs/simulation.md"][1] if r.name == "warning-lead-table"]
    lines = region.body.strip("\n").split("\n")
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    assert head[1] == f"lead {levels[0]} (mean)"
    assert head[2:] == [f"{lead} h − {levels[0]}" for lead in levels[1:]]
    assert [line.split("|")[1].strip() for line in lines[2:]] == [r.label for r in ROWS]


def test_the_layout_follows_the_analysis_rows():
    leads = ("0", "6", "24")
    values = {r.metric: ([1.0] * 3, [(0.0, 0.0, 0.0)] * 3) for r in ROWS}
    values["warning_compliance_arrival"] = (
        [0.25, 0.2, 0.3], [(0, 0, 0), (-0.004, -0.0123, 0.0041), (0.0266, 0.01, 0.04)])  # fmt: skip
    values["warning_stock_units"] = ([0.0, 5.0, 7.0], [(0, 0, 0), (12345.4, 0, 0), (9.96, 0, 0)])
    values["warning_supply_short_incidents"] = (
        [3.0] * 3, [(0, 0, 0), (0.9, 0.19, 1.61), (-0.25, -0.5, 0.0)])  # fmt: skip
    res = read_results(*_analysis(leads, values))
    assert res.leads == leads
    rows = {line.split("|")[1].strip(): line for line in table(res).split("\n")}
    share = [c.strip() for c in rows["first team within 10 min"].strip("|").split("|")]
    assert share[1:] == ["25.0 %", "−0.40 pp [−1.23, +0.41]", "+2.66 pp [+1.00, +4.00]"]
    units = [c.strip() for c in rows["supply units pushed down"].strip("|").split("|")]
    assert units[1:] == ["0", "12,345", "10"]  # what the plan did: the mean difference
    sentence = " ".join(short_sentence(res).split())
    assert re.search(r"6 h of lead 0\.90 more incidents", sentence)
    assert sentence.endswith("with 24 h 0.25 fewer")  # the sign decides the word
