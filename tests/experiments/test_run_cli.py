"""End-to-end: ``yingji run`` on the shipped examples and ``yingji demo``."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from experiments.cli import main
from tests.conftest import REPO, read_csv


@pytest.fixture(scope="module")
def county_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("county")
    assert main(["run", str(REPO / "examples" / "county.toml"), "--replications", "2",
                 "--out", str(out)]) == 0  # fmt: skip
    return out


def test_run_writes_records_summary_and_plots(county_run):
    summary = json.loads((county_run / "summary.json").read_text())
    reps = summary["replications"]
    assert [r["replication"] for r in reps] == [0, 1]
    for r in reps:
        rows = read_csv(county_run / "records" / f"rep-{r['replication']:03d}" / "incidents.csv")
        assert len(rows) == r["incidents"]
        ids = [int(row["id"]) for row in rows] if rows and "id" in rows[0] else None
        if ids is not None:
            assert ids == sorted(ids)
    across = summary["across_replications"]["compliance_arrival"]
    values = [r["compliance_arrival"] for r in reps]
    assert across["mean"] == pytest.approx(np.mean(values))
    assert across["ci_low"] <= across["mean"] <= across["ci_high"]
    for name in ("response_times.png", "incident_map.png", "utilisation.png"):
        assert (county_run / name).read_bytes()[:4] == b"\x89PNG"
    assert summary["config"]["scenario"]["name"] == "multi_hazard"  # examples/county.toml


def test_same_seed_same_records_other_seed_other_records(county_run, tmp_path):
    again = tmp_path / "again"
    assert main(["run", str(REPO / "examples" / "county.toml"), "--replications", "2",
                 "--out", str(again), "--no-plots"]) == 0  # fmt: skip
    for rep in ("rep-000", "rep-001"):
        for table in ("incidents.csv", "dispatches.csv", "supplies.csv"):
            a = (county_run / "records" / rep / table).read_bytes()
            assert a == (again / "records" / rep / table).read_bytes()
    other = tmp_path / "other"
    assert main(["run", str(REPO / "examples" / "county.toml"), "--replications", "1",
                 "--seed", "99", "--out", str(other), "--no-plots"]) == 0  # fmt: skip
    a = (county_run / "records" / "rep-000" / "incidents.csv").read_bytes()
    assert a != (other / "records" / "rep-000" / "incidents.csv").read_bytes()


def test_shanghai_example_runs_on_real_roads(tmp_path):
    out = tmp_path / "sh"
    assert main(["run", str(REPO / "examples" / "shanghai" / "run.toml"), "--replications", "1",
                 "--out", str(out), "--no-plots"]) == 0  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    rep = summary["replications"][0]
    assert rep["incidents"] > 0
    assert (
        rep["served"] + sum(v for k, v in rep.items() if k.startswith("unserved_"))
        == rep["incidents"]
    )


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (("travel_noise = 0.15", "travel_noise = -1"), "run.travel_noise"),
        (('name = "multi_hazard"', 'name = "alien_invasion"'), "scenario"),
        (("reserve = 1", "reserve = 1\nbogus = 2"), "policy"),
    ],
)
def test_config_mistakes_exit_2_and_keep_earlier_outputs(tmp_path, edit, key):
    text = (REPO / "examples" / "county.toml").read_text()
    assert edit[0] in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(edit[0], edit[1]))
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("earlier results")
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "run", str(bad), "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and key in lines[0], proc.stderr
    assert (out / "summary.json").read_text() == "earlier results"


def test_demo_runs_end_to_end(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--replications", "2"]) == 0
    text = capsys.readouterr().out
    assert "first team on scene within target" in text
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["replications"]) == 2
    assert (out / "map.png").exists() and (out / "network.json").exists()
