"""``records/stations.csv`` and ``depots.csv``: what the records' station and depot numbers are."""

from __future__ import annotations

import numpy as np

from experiments.cli import main
from tests.conftest import read_csv

CONFIG = """[network]
synthetic = "county"
[[stations]]
name = "Xiba Post"
name_zh = "西坝前置点"
tier = "township"
location = "landmark:Xiba Town"
teams = [{{ capability = "fire", size = 30, count = 2 }}]
[scenario]
name = "typical_week"
[run]
replications = 2
horizon_min = 2880
"""


def test_the_records_numbers_are_looked_up_by_name_in_both_languages(tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text(CONFIG.replace("{{", "{").replace("}}", "}"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--lang", "en", "run", str(cfg), "--out", str(out), "--no-plots", "--quiet"]) == 0
    stations = read_csv(out / "records" / "stations.csv")
    depots = read_csv(out / "records" / "depots.csv")
    assert [int(r["index"]) for r in stations] == list(range(len(stations)))
    named = {r["name"]: r for r in stations}
    # the config's own Chinese name, and the built-in county's Chinese names
    assert named["Xiba Post"]["name_zh"] == "西坝前置点"
    assert all(r["name_zh"] for r in stations) and all(r["name_zh"] for r in depots)
    for rep in ("rep-000", "rep-001"):
        sent = read_csv(out / "records" / rep / "dispatches.csv")
        assert {int(r["station"]) for r in sent} <= set(range(len(stations)))
        moved = read_csv(out / "records" / rep / "supplies.csv")
        assert {int(r["source"]) for r in moved} - {-1} <= set(range(len(depots)))
    # a row's node is the station's, and its place on the map is that node's
    xiba = named["Xiba Post"]
    assert np.isfinite(float(xiba["lon"])) and 27 < float(xiba["lat"]) < 30
    parents = {int(r["parent"]) for r in depots}
    assert parents - {-1} <= set(range(len(depots))) and -1 in parents
