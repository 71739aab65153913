"""Run summaries as tidy DataFrames, and siting results as GeoDataFrames."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from experiments.frames import SUMMARY_COLUMNS, site_points, summary_frame
from tests.conftest import REPO
from tests.sim.test_frames import geopandas_or_skip

EXAMPLES = REPO / "examples"


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """Two replications of a week on the county, written as ``yingji run`` writes them."""
    from experiments.config import RunConfig
    from experiments.outputs import write_run_outputs
    from experiments.runner import run_replication

    cfg = RunConfig.from_dict(
        {
            "network": {"synthetic": "county"},
            "scenario": {"name": "typical_week"},
            "run": {"seed": 5, "replications": 2},
        },
        source="week.toml",
    )
    region = cfg.region()
    results = [run_replication(cfg, replication=r, region=region) for r in range(2)]
    out = tmp_path_factory.mktemp("week")
    write_run_outputs(cfg, region, results, out, plots=False)
    return results, json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_the_tidy_summary_holds_the_numbers_of_summary_json(week):
    results, summary = week
    frame = summary_frame(results)
    assert list(frame.columns) == list(SUMMARY_COLUMNS)
    across = summary["across_replications"]
    assert frame["metric"].tolist() == list(across)
    for row in frame.itertuples(index=False):
        saved = across[row.metric]
        for col in ("mean", "ci_low", "ci_high"):
            value = getattr(row, col)
            assert (math.isnan(value) and saved[col] is None) or value == saved[col], row
        assert row.n == saved["n"]
    # summary.json's own table gives the same frame.
    again = summary_frame(across)
    assert again.equals(frame)
    assert frame.set_index("metric").loc["incidents", "n"] == 2


def test_site_points_are_the_site_table_as_points():
    gpd = geopandas_or_skip()
    from experiments.config import RunConfig
    from experiments.siting.outputs import site_table
    from experiments.siting.plan import site
    from experiments.siting.proposal import proposed_region
    from experiments.siting.task import read_tasks
    from scenarios.validate import read_toml

    path = EXAMPLES / "siting.toml"
    data = read_toml(path)
    cfg = RunConfig.from_dict(data, source=str(path), base_dir=EXAMPLES)
    (task,) = read_tasks(data, source=str(path), base_dir=EXAMPLES, only=["stations"])
    region = cfg.region()
    result = site(task, cfg, region)
    proposed = proposed_region(result, region)
    pts = site_points(result, proposed)
    table = site_table(result, proposed)
    assert isinstance(pts, gpd.GeoDataFrame) and pts.crs.to_epsg() == 4326
    assert pts["status"].tolist() == table["status"]
    assert np.array_equal(pts.geometry.x.to_numpy(), np.asarray(table["lon"]))
    assert np.array_equal(pts.geometry.y.to_numpy(), np.asarray(table["lat"]))
