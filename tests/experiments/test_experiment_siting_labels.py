"""Sitings compared as factor levels read as a person names them, in the report and figures.

docs/siting.md "Comparing your own plans": the level ``default`` is the current
layout (现状布局), a plan given as a table file reads by its file name, with its
folders only where two plans share a name (``proposed_stations.csv`` of two
``yingji site`` runs). The machine files keep the levels as written. Texts are
compared through ``_()`` so the tests hold before and after the catalogue is rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from experiments.batch import run_experiment
from experiments.design import ExperimentSpec
from experiments.design_labels import factor_text, level_text
from experiments.report import plot_metric_by_factor, write_report
from experiments.store import ResultStore
from networks import i18n
from networks.i18n import _
from tests.test_i18n_experiments import visible_text

REPO = Path(__file__).resolve().parents[2]
PLANS = ["default", "a/stations/proposed_stations.csv", "b/stations/proposed_stations.csv",
         "county_draft.csv"]  # fmt: skip


#: A plan of two stations on the built-in county (a table ``yingji run`` reads).
STATIONS = (
    "name,tier,landmark,capability,size\n"
    "A,county,County Seat,general,40\n"
    "B,township,Xiba Town,general,{size}\n"
)


@dataclass
class _Result:
    summary: dict[str, float]
    records: None = None


def plan_replicate(config, *, replication: int, root_seed: int) -> _Result:
    """A mean arrival that depends on the plan (its stations table) and the replication."""
    shift = len(str(config.to_dict().get("facilities", {}).get("stations", "")))
    return _Result({"arrival_mean": 10.0 + 0.01 * shift + 0.1 * replication,
                    "replication": replication})  # fmt: skip


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    """A finished plan comparison of the current stations and three station tables."""
    tmp = tmp_path_factory.mktemp("plans")
    for i, plan in enumerate(PLANS[1:]):
        (tmp / plan).parent.mkdir(parents=True, exist_ok=True)
        (tmp / plan).write_text(STATIONS.format(size=30 + i), encoding="utf-8")
    data = {
        "name": "plans",
        "replications": 2,
        "baseline": {"facilities.stations": "default"},
        "base": {"network": {"synthetic": "county"}},
        "factors": [{"key": "facilities.stations", "levels": PLANS}],
    }  # fmt: skip
    spec = ExperimentSpec.from_dict(data, source=str(tmp / "plans.toml"), base_dir=tmp)
    run_experiment(spec, tmp / "out", replicate=plan_replicate, progress=False)
    return spec, tmp / "out"


def _shown() -> list[str]:
    """How the four plans should read, in the language in use."""
    return [_("current layout"), "a/stations/proposed_stations",
            "b/stations/proposed_stations", "county_draft"]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_siting_level_reads_as_the_current_layout_or_its_file_name(lang):
    with i18n.language(lang):
        assert level_text("facilities.stations", "default") == _("current layout")
        assert level_text("facilities.depots", "none") == _("no depots")
        assert level_text("facilities.stations", "out6/stations/plan.csv") == "plan"
        assert level_text("facilities.depots", r"plans\depots.geojson") == "depots"
        shown = [level_text("facilities.stations", v, among=PLANS) for v in PLANS]
        assert shown == _shown()
        # A whole [facilities] table as a level reads its siting the same way.
        table = level_text("facilities", {"depots": "default"})
        assert _("current layout") in table or lang == "en"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_names_plans_by_file_and_keeps_the_paths_in_the_tables(plans, lang):
    from experiments.design_labels import point_labels

    spec, out = plans
    with i18n.language(lang):
        page = visible_text(write_report(out).read_text(encoding="utf-8"))
        labels = point_labels(ResultStore.open(out).points)
        want = _shown()
        base = _("{key}={value}").format(key=factor_text("facilities.stations"), value=want[0])
        head = _("Paired differences against the baseline, {label}").format(label=base)
    for text in want:
        assert text in page
    assert "proposed_stations.csv" not in page and "county_draft.csv" not in page
    assert " default " not in page
    assert len(set(labels.values())) == len(PLANS)  # no two plans read the same
    assert head in page and labels[0] == base
    # The machine tables keep every level as the experiment file gives it.
    points_csv = (out / "analysis" / "points.csv").read_text(encoding="utf-8")
    for plan in PLANS:
        assert f"facilities.stations={plan}" in points_csv


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_rows_read_by_plan_and_the_hash_is_in_the_appendix(plans, lang):
    """A bureau quotes the tables: each row names its plan, its id under it; the config
    hash is with the point labels at the end, not in the design table at the top."""
    import html
    import re

    from experiments.design_labels import point_labels
    from experiments.report_figures import plot_paired_differences
    from experiments.tables import read_table

    _spec, out = plans
    with i18n.language(lang):
        page = write_report(out).read_text(encoding="utf-8")
        store = ResultStore.open(out)
        labels = point_labels(store.points)
        base = _("{id} (baseline)").format(id=labels[0])
        hash_head, design_head = _("config hash"), _("Design")
        fig = plot_paired_differences(
            read_table(out / "analysis" / "paired.csv"), "arrival_mean",
            labels=labels, baseline=labels[0],
        )  # fmt: skip
        axis, title = fig.axes[0].get_xlabel(), fig.axes[0].get_title()
    sections = dict(re.findall(r"<h2>(.*?)</h2>(.*?)(?=<h2>|</body>)", page, re.S))
    assert hash_head not in sections[design_head]
    assert page.count(hash_head) == 1 and store.points[0].config_hash[:12] in page
    # The means table and the paired table: every plan by name, then its id.
    for p in store.points:
        text = html.escape(base if p.index == 0 else labels[p.index])
        cell = f"<td>{text}<br><small>{p.id}</small></td>"
        assert page.count(cell) == (1 if p.index == 0 else 2), cell
    assert "p000" not in axis and labels[0] in title


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_figure_ticks_name_plans_by_file(plans, lang):
    import matplotlib.pyplot as plt

    _spec, out = plans
    store = ResultStore.open(out)
    with i18n.language(lang):
        fig = plot_metric_by_factor(
            store.rows(), store.points, "facilities.stations", "arrival_mean"
        )
        ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
        want = _shown()
    plt.close(fig)
    assert ticks == want


def test_experiment_plan_lists_plans_by_file(plans, capsys):
    from experiments.cli import main

    spec, _out = plans
    toml = Path(spec.source)
    lines = [
        "name = 'plans'",
        "replications = 2",
        "[base.network]",
        "synthetic = 'county'",
        "[[factors]]",
        "key = 'facilities.stations'",
        "levels = [" + ", ".join(f"'{p}'" for p in PLANS) + "]",
    ]
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["--lang", "en", "experiment", "plan", str(toml)]) == 0
    text = capsys.readouterr().out
    assert "facilities.stations=current layout" in text
    assert "facilities.stations=county_draft\n" in text and ".csv" not in text
