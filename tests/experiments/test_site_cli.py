"""``yingji site`` end to end on examples/siting.toml, its files, and its refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from experiments.cli import main
from experiments.config import RunConfig
from experiments.siting.task import read_tasks
from scenarios.validate import read_toml
from tests.conftest import REPO, read_csv

EXAMPLE = REPO / "examples" / "siting.toml"


@pytest.fixture(scope="module")
def sited(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    assert main(["site", str(EXAMPLE), "--out", str(out), "--evaluate", "3"]) == 0
    return out


def test_example_writes_every_file_of_both_tasks(sited):
    for task, facility in (("stations", "stations"), ("depots", "depots")):
        names = {p.name for p in (sited / task).iterdir() if not p.name.startswith(".")}
        assert names == {
            "sites.csv", "sites.geojson", "coverage.json", f"proposed_{facility}.csv",
            "coverage_map.png", "evaluation.csv", "evaluation_replications.csv",
            "evaluation.png",
        }  # fmt: skip
        for png in ("coverage_map.png", "evaluation.png"):
            assert (sited / task / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sites_csv_and_geojson_agree_and_count_p(sited):
    cov = json.loads((sited / "stations" / "coverage.json").read_text())
    rows = read_csv(sited / "stations" / "sites.csv")
    status = [r["status"] for r in rows]
    open_rows = [r for r in rows if r["status"] != "closed"]
    assert len(open_rows) == cov["task"]["p"] == 6
    assert sorted(int(r["node"]) for r in open_rows) == cov["selected_nodes"]
    assert status.count("closed") == status.count("new")  # as many moved as closed
    geo = json.loads((sited / "stations" / "sites.geojson").read_text())
    assert len(geo["features"]) == len(rows)
    for f, r in zip(geo["features"], rows, strict=True):
        assert f["geometry"]["coordinates"] == pytest.approx([float(r["lon"]), float(r["lat"])])
        assert f["properties"]["node"] == int(r["node"])
    # Demand served by the open sites adds up to the demand the model was given.
    served = sum(float(r["demand_served"]) for r in open_rows)
    assert served <= cov["sizes"]["demand_weight"] + 1e-9


def test_mclp_never_covers_less_than_the_current_siting(sited):
    # The current township stations are among the candidates, so the optimum is at least
    # as good as what stands today, and the solver proves it optimal.
    cov = json.loads((sited / "stations" / "coverage.json").read_text())
    assert cov["solver"]["status"] == "optimal" and cov["solver"]["gap"] == 0
    assert cov["after"]["covered_share"] >= cov["before"]["covered_share"]
    # The objective is the covered demand weight, the county-seat station's included.
    covered = cov["solver"]["objective"] / cov["sizes"]["demand_weight"]
    assert cov["after"]["covered_share"] == pytest.approx(covered, abs=1e-9)


def test_hierarchy_delivers_no_slower_than_the_current_depots(sited):
    cov = json.loads((sited / "depots" / "coverage.json").read_text())
    assert cov["task"]["model"] == "hierarchy"
    assert cov["after"]["covered_share"] >= 0.95  # the model's min_coverage
    # The current depots meet the coverage floor, so the optimum delivers no slower.
    assert cov["before"]["covered_share"] >= 0.95
    assert cov["after"]["chain_mean_min"] <= cov["before"]["chain_mean_min"] + 1e-9
    rows = read_csv(sited / "depots" / "sites.csv")
    assert sum(r["status"] in ("kept", "new", "fixed") for r in rows) == 10
    # A township depot on a county depot's node is "merged", never proposed for closing.
    county_nodes = {d["node"] for d in read_csv(sited / "depots" / "proposed_depots.csv")
                    if d["tier"] in ("city", "county")}  # fmt: skip
    for r in rows:
        if r["status"] == "merged":
            assert r["node"] in county_nodes
        if r["status"] == "closed":
            assert r["node"] not in county_nodes


def test_evaluation_table_is_paired_and_consistent(sited):
    rows = read_csv(sited / "stations" / "evaluation.csv")
    metrics = [r["metric"] for r in rows]
    assert "compliance_arrival" in metrics and "compliance_all_three" in metrics
    for r in rows:
        cur, prop, diff = float(r["current"]), float(r["proposed"]), float(r["diff"])
        assert diff == pytest.approx(prop - cur, abs=1e-9)
        lo, hi = float(r["diff_low"]), float(r["diff_high"])
        assert lo <= diff <= hi
        clear = lo > 0 or hi < 0
        assert (r["verdict"] != "no clear difference") == clear
    # Call taking does not depend on where stations stand: identical in both sitings.
    call = next(r for r in rows if r["metric"] == "compliance_call_taking")
    assert float(call["diff"]) == 0.0 and float(call["diff_low"]) == 0.0


def test_every_interval_can_be_checked_from_the_replications_file(sited):
    from scipy import stats

    table = {r["metric"]: r for r in read_csv(sited / "stations" / "evaluation.csv")}
    reps = read_csv(sited / "stations" / "evaluation_replications.csv")
    assert {r["metric"] for r in reps} == set(table)
    for metric, row in table.items():
        mine = [r for r in reps if r["metric"] == metric]
        assert [int(r["replication"]) for r in mine] == [0, 1, 2]
        d = np.asarray([float(r["proposed"]) - float(r["current"]) for r in mine])
        assert d == pytest.approx([float(r["diff"]) for r in mine], abs=1e-9)
        assert d.mean() == pytest.approx(float(row["diff"]), abs=1e-6)
        assert np.mean([float(r["current"]) for r in mine]) == pytest.approx(
            float(row["current"]), abs=1e-6
        )
        # the paired t interval, by hand
        half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
        assert float(row["diff_low"]) == pytest.approx(d.mean() - half, abs=1e-6)
        assert float(row["diff_high"]) == pytest.approx(d.mean() + half, abs=1e-6)


def test_sites_csv_names_the_sites_in_chinese_too(sited):
    rows = read_csv(sited / "stations" / "sites.csv")
    # the built-in county's stations by their Chinese names, a proposed one as 拟建
    assert rows and all("应急救援站" in r["name_zh"] for r in rows)
    new = [r for r in rows if r["status"] == "new"]
    assert new and all(r["name_zh"].endswith("（拟建）") for r in new)


def test_proposed_stations_read_back_as_a_run_config(sited, tmp_path):
    table = sited / "stations" / "proposed_stations.csv"
    cfg = RunConfig.from_dict(
        {"network": {"synthetic": "county"}, "facilities": {"stations": str(table)},
         "scenario": {"name": "typical_week"}},
        source="test", base_dir=tmp_path,
    )  # fmt: skip
    region = cfg.region()
    cov = json.loads((sited / "stations" / "coverage.json").read_text())
    township = sorted(s.node for s in region.stations if s.tier == "township")
    assert township == cov["selected_nodes"]
    assert all(max(t.size for t in s.teams) >= 30 for s in region.stations)
    # Turnouts read back with the mean and spread that the evaluation simulated.
    simulated = {
        (s.name, t.capability): t.turnout
        for s in RunConfig.from_file(EXAMPLE).region().stations
        for t in s.teams
    }
    for s in region.stations:
        for t in s.teams:
            if (s.name, t.capability) in simulated:
                was = simulated[s.name, t.capability]
                assert t.turnout.mean == pytest.approx(was.mean, rel=1e-6)
                assert t.turnout.variance == pytest.approx(was.variance, rel=1e-5)


def test_fix_current_keeps_every_existing_site(tmp_path, capsys):
    out = tmp_path / "fixed"
    code = main(["site", str(EXAMPLE), "--task", "stations", "--fix", "current", "--p", "8",
                 "--out", str(out), "--no-plots"])  # fmt: skip
    assert code == 0
    rows = read_csv(out / "stations" / "sites.csv")
    assert sum(r["status"] == "fixed" for r in rows) == 6
    assert sum(r["status"] == "new" for r in rows) == 2
    assert not any(r["status"] == "closed" for r in rows)
    assert "p = 8" in capsys.readouterr().out


def test_fix_table_is_read_from_the_command_line(tmp_path):
    fix = tmp_path / "existing.csv"
    fix.write_text("name,landmark\nkeep,Xiba Town\n")
    out = tmp_path / "o"
    assert main(["site", str(EXAMPLE), "--task", "stations", "--fix", str(fix), "--model",
                 "pmedian", "--p", "4", "--out", str(out), "--no-plots"]) == 0  # fmt: skip
    cov = json.loads((out / "stations" / "coverage.json").read_text())
    data = read_toml(EXAMPLE)
    cfg = RunConfig.from_dict(data, source=str(EXAMPLE), base_dir=EXAMPLE.parent)
    xiba = next(lm.node for lm in cfg.region().network.landmarks if lm.name == "Xiba Town")
    assert xiba in cov["selected_nodes"] and len(cov["selected_nodes"]) == 4


def test_command_line_overrides_and_task_selection():
    data = read_toml(EXAMPLE)
    tasks = read_tasks(data, source=str(EXAMPLE), base_dir=EXAMPLE.parent,
                       overrides={"model": "pcenter", "p": 3}, only=["stations"])  # fmt: skip
    assert [(t.name, t.model, t.p, t.turnout_min) for t in tasks] == [
        ("stations", "pcenter", 3, 2.0)
    ]


@pytest.mark.parametrize(
    ("args", "edit", "needle"),
    [
        ([], ('model = "mclp"', 'model = "mclpp"'), "siting[0].model"),
        ([], ("p = 6", "p = -1"), "siting[0].p"),
        ([], ("turnout_min = 2", "turnout_min = 12"), "siting[0].turnout_min"),
        ([], ('candidates = "landmarks"', 'candidates = "everywhere"'), "candidates"),
        ([], ("p = 6", "p = 600"), "p = 600 exceeds"),
        (["--task", "nope"], None, "no siting task named 'nope'"),
        (["--evaluate", "1"], None, "--evaluate"),
        (["--model", "lscp", "--standard-min", "4"], None, "LSCP infeasible"),
        (["--fix", "current", "--p", "2"], None, "command line: --p: 6 sites are fixed open"),
        (["--p", "-3"], None, "argument --p: must be >= 1, got -3"),
        (["--standard-min", "2"], None, "--standard-min: must exceed turnout_min (2 in"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, edit, needle):
    cfg = tmp_path / "siting.toml"
    text = EXAMPLE.read_text()
    if edit:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1], 1)
    cfg.write_text(text)
    out = tmp_path / "out"
    (out / "stations").mkdir(parents=True)
    keep = out / "stations" / "sites.csv"
    keep.write_text("earlier,run\n")
    (out / ".yingji-output").write_text('{"command": "site", "files": ["stations/sites.csv"]}')
    argv = ["site", str(cfg), "--task", "stations", "--out", str(out), "--overwrite", *args]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err
    assert str(cfg) in err or "command line" in err or "--" in err
    assert keep.read_text() == "earlier,run\n"  # nothing already written is touched


def test_off_network_fixed_site_names_the_file_and_row(tmp_path, capsys):
    fix = tmp_path / "existing.csv"
    fix.write_text("name,lon,lat\nfar,100.0,10.0\n")
    assert main(["site", str(EXAMPLE), "--fix", str(fix), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert str(fix) in err and "line 2" in err and len(err.splitlines()) == 1


def test_same_seed_same_sites_and_numbers(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert main(["site", str(EXAMPLE), "--task", "stations", "--evaluate", "2",
                     "--no-plots", "--out", str(out)]) == 0  # fmt: skip
    for name in ("sites.csv", "evaluation.csv", "proposed_stations.csv"):
        assert (a / "stations" / name).read_bytes() == (b / "stations" / name).read_bytes()
    ca = json.loads((a / "stations" / "coverage.json").read_text())
    cb = json.loads((b / "stations" / "coverage.json").read_text())
    ca["solver"].pop("solve_time_s"), cb["solver"].pop("solve_time_s")
    assert ca == cb


def test_default_task_on_a_plain_run_config(tmp_path):
    # A run config without [siting] sites its township stations with MCLP at targets.arrival.
    cfg = tmp_path / "run.toml"
    cfg.write_text('[network]\nsynthetic = "county"\n[scenario]\nname = "typical_week"\n'
                   "[targets]\narrival = 12\n")  # fmt: skip
    out = tmp_path / "o"
    assert main(["site", str(cfg), "--p", "7", "--out", str(out), "--no-plots"]) == 0
    cov = json.loads((out / "stations" / "coverage.json").read_text())
    assert cov["task"]["model"] == "mclp" and cov["task"]["standard_min"] == 12
    assert len(cov["selected_nodes"]) == 7
    assert cov["task"]["demand"] == "scenario"


def test_an_output_path_that_cannot_be_a_folder_is_refused_before_work(tmp_path, capsys):
    blocker = tmp_path / "taken"
    blocker.write_text("mine\n")
    assert main(["site", str(EXAMPLE), "--out", str(blocker)]) == 2
    assert blocker.read_text() == "mine\n"
    (tmp_path / "o" / "depots" / "coverage.json").mkdir(parents=True)
    assert main(["site", str(EXAMPLE), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "is a file" in err[0] and "was not written by yingji" in err[1]
    # Refused before any task was written, the stations task included.
    assert not (tmp_path / "o" / "stations").exists()


def test_a_rerun_replaces_a_task_folder_whole_and_only_when_asked(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["site", str(EXAMPLE), "--task", "stations", "--evaluate", "2",
                 "--out", str(out)]) == 0  # fmt: skip
    before = {p: p.read_bytes() for p in (out / "stations").iterdir()}
    rerun = ["site", str(EXAMPLE), "--task", "stations", "--no-plots", "--p", "7",
             "--out", str(out)]  # fmt: skip
    assert main(rerun) == 2
    assert "--overwrite" in capsys.readouterr().err
    (out / "stations" / "my_notes.txt").write_text("keep me\n")
    assert main([*rerun, "--overwrite"]) == 2
    assert "my_notes.txt" in capsys.readouterr().err
    (out / "stations" / "my_notes.txt").unlink()
    assert {p: p.read_bytes() for p in (out / "stations").iterdir()} == before
    assert main([*rerun, "--overwrite"]) == 0
    names = {p.name for p in (out / "stations").iterdir() if not p.name.startswith(".")}
    assert names == {"sites.csv", "sites.geojson", "coverage.json", "proposed_stations.csv"}
    cov = json.loads((out / "stations" / "coverage.json").read_text())
    assert cov["task"]["p"] == 7 and "evaluation" not in cov
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_overrides_on_several_tasks_are_announced(tmp_path, capsys):
    assert main(["site", str(EXAMPLE), "--model", "pmedian", "--p", "5", "--no-plots",
                 "--time-limit", "30", "--out", str(tmp_path)]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "--model, --p, --time-limit apply to every task (stations, depots)" in err
    for task in ("stations", "depots"):
        cov = json.loads((tmp_path / task / "coverage.json").read_text())
        assert cov["task"]["model"] == "pmedian" and len(cov["selected_nodes"]) == 5


def test_a_fixed_site_keeps_the_name_its_table_gives(tmp_path):
    fix = tmp_path / "existing.csv"
    fix.write_text("name,landmark\nRiverside Post,Longtan Village 1\n")
    out = tmp_path / "o"
    assert main(["site", str(EXAMPLE), "--task", "stations", "--fix", str(fix), "--no-plots",
                 "--out", str(out)]) == 0  # fmt: skip
    rows = {r["name"]: r for r in read_csv(out / "stations" / "sites.csv")}
    assert rows["Riverside Post"]["status"] == "fixed"
    stations = {r["name"] for r in read_csv(out / "stations" / "proposed_stations.csv")}
    assert "Riverside Post" in stations


def test_a_site_run_killed_after_its_first_task_leaves_the_old_folder(tmp_path):
    import hashlib
    import os
    import signal
    import subprocess
    import sys

    def tree(folder):
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip

    out = tmp_path / "o"
    assert main(["site", str(EXAMPLE), "--no-plots", "--out", str(out)]) == 0
    old = tree(out)
    argv = [sys.executable, "-m", "experiments", "site", str(EXAMPLE), "--out", str(out),
            "--overwrite", "--evaluate", "2", "--p", "7"]  # fmt: skip
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:  # the first task is written (into the staging folder) ...
        if "wrote" in line:
            break
    proc.send_signal(signal.SIGKILL)  # ... and the run dies before the second
    proc.communicate(timeout=60)
    assert tree(out) == old
    assert main(["site", str(EXAMPLE), "--task", "depots", "--no-plots", "--out", str(out),
                 "--overwrite"]) == 0  # fmt: skip
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_siting_that_serves_few_incidents_says_so():
    import dataclasses

    from experiments.commands.site import format_evaluation
    from experiments.siting.evaluate import Evaluation

    m = "intervals_arrival_mean"
    few = {"current": np.array([0.03, 0.04, 0.03]), "proposed": np.array([0.03, 0.05, 0.03])}
    ev = Evaluation((m,), {m: np.array([5.0, 6.0, 7.0])}, {m: np.array([4.0, 5.0, 5.5])}, 3,
                    served=few)  # fmt: skip
    text = format_evaluation(ev)
    # the minutes look better; the line under them says they are of 3 % of the incidents
    assert "better" in text
    assert "3.3% of the incidents were served with the current siting and 3.7%" in text
    for share in (np.ones(3), np.array([1.0, 0.96, 0.97])):
        ok = dataclasses.replace(ev, served={"current": share, "proposed": share})
        assert "were served" not in format_evaluation(ok)
    # Pooled as `yingji run` totals them: 20 of 60 and 20 of 20 incidents are 40/80 = 50 %,
    # not the 66.7 % mean of the two replications' shares.
    pooled = dataclasses.replace(
        ev, served={"current": np.array([1 / 3, 1.0]), "proposed": np.array([1.0, 1.0])},
        called={"current": np.array([60.0, 20.0]), "proposed": np.array([60.0, 20.0])},
    )  # fmt: skip
    assert pooled.served_share("current") == pytest.approx(0.5)
    assert "50.0% of the incidents were served with the current siting" in format_evaluation(pooled)


def test_an_unnamed_task_is_named_in_chinese_in_chinese_output(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["--lang", "zh", "site", str(EXAMPLE), "--task", "stations", "--out", str(out),
                 "--no-plots"]) == 0  # fmt: skip
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("应急救援站：") and "stations" not in first
    assert (out / "stations").is_dir()  # the folder keeps the task's name


def test_a_zero_turnout_is_pointed_out_with_the_teams_own(tmp_path, capsys):
    # county.toml sets no turnout_min: coverage of the drive alone, above what teams meet
    county = REPO / "examples" / "county.toml"
    assert main(["site", str(county), "--out", str(tmp_path / "a"), "--no-plots"]) == 0
    note = [ln for ln in capsys.readouterr().out.splitlines() if "turnout_min = 0" in ln]
    assert len(note) == 1 and "teams of the township stations take" in note[0]
    fastest, slowest = (float(x) for x in note[0].split("take ")[1].split(" min")[0].split(" to "))
    assert 0 < fastest < slowest < 10  # the fire engine's 1.5 min to the general team's 5
    # siting.toml counts a 2-minute turnout: no note
    assert main(["site", str(EXAMPLE), "--task", "stations", "--out", str(tmp_path / "b"),
                 "--no-plots"]) == 0  # fmt: skip
    assert "turnout_min = 0" not in capsys.readouterr().out


def test_calls_after_a_short_horizon_do_not_count_as_unserved_in_the_warning(tmp_path, capsys):
    text = EXAMPLE.read_text(encoding="utf-8").replace("[run]\n", "[run]\nhorizon_min = 5000\n", 1)
    assert "horizon_min = 5000" in text
    cfg = tmp_path / "siting.toml"
    cfg.write_text(text, encoding="utf-8")
    assert main(["site", str(cfg), "--task", "stations", "--evaluate", "2", "--out",
                 str(tmp_path / "o"), "--no-plots"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    # half the typical week is called after minute 5000: not the siting's failing
    assert "were served" not in out
    rows = read_csv(tmp_path / "o" / "stations" / "evaluation_replications.csv")
    for r in rows:  # the difference reads as the difference of the values shown, no float noise
        assert float(r["diff"]) == pytest.approx(float(r["proposed"]) - float(r["current"]))
        assert len(r["diff"].split(".")[-1]) <= 6, r["diff"]


def test_every_table_a_planner_opens_carries_the_byte_order_mark(sited):
    # name_zh and the evaluation open in Excel on Chinese Windows only with the mark.
    tables = sorted(sited.rglob("*.csv"))
    assert len(tables) == 8
    for p in tables:
        assert p.read_bytes().startswith(b"\xef\xbb\xbf"), p
