"""``yingji run --workers/--dask``: the same results for any executor, a progress line, warnings."""

from __future__ import annotations

import io
import json
import math

import pytest

from experiments.cli import main

CONFIG = """\
name = "county-week"

[network]
synthetic = "county"
seed = 0

[facilities]
stations = "default"
depots = "default"

[scenario]
name = "typical_week"

[policy]
name = "nearest_available"

[run]
seed = 7
replications = 4
"""


@pytest.fixture(scope="module")
def config_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("cfg") / "week.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def serial_and_parallel(config_path, tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    outs = {}
    for workers in (1, 2):
        out = root / f"w{workers}"
        args = ["run", str(config_path), "--out", str(out), "--no-plots"]
        assert main([*args, "--workers", str(workers)]) == 0
        outs[workers] = out
    return outs


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_two_workers_write_the_same_bytes_as_one(serial_and_parallel):
    one, two = serial_and_parallel[1], serial_and_parallel[2]
    assert (one / "summary.json").read_bytes() == (two / "summary.json").read_bytes()
    csvs = [p for p in _files(one) if p.parts[0] == "records"]
    # one folder per replication, and the run's station and depot lookup tables
    assert {p.parts[1] for p in csvs} == {f"rep-{r:03d}" for r in range(4)} | {
        "stations.csv",
        "depots.csv",
    }
    assert [p for p in _files(two) if p.parts[0] == "records"] == csvs
    for rel in csvs:
        assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel
    summary = json.loads((two / "summary.json").read_text())
    assert [r["replication"] for r in summary["replications"]] == [0, 1, 2, 3]
    assert len({r["incidents"] for r in summary["replications"]}) > 1  # distinct replications


def test_results_come_back_in_replication_order_from_any_executor(config_path):
    from experiments.config import RunConfig
    from experiments.executors import SerialExecutor
    from experiments.replicate_parallel import run_paired, run_replications

    cfg = RunConfig.from_file(config_path)
    serial = run_replications(cfg, replications=3, progress=False)
    assert [r.replication for r in serial] == [0, 1, 2]
    given = run_replications(cfg, replications=3, executor=SerialExecutor(), progress=False)
    assert [r.summary for r in given] == [r.summary for r in serial]
    region = cfg.region()
    (a, b) = run_paired(cfg, [None, region], replications=2, workers=2, progress=False)
    assert [r.summary for r in a] == [r.summary for r in serial[:2]]
    assert [r.summary for r in b] == [r.summary for r in serial[:2]]  # same region, same seeds
    for x, y in zip(a, serial, strict=False):
        assert x.records.tables()["incidents"].keys() == y.records.tables()["incidents"].keys()


def test_progress_line_on_a_terminal_and_quiet_otherwise():
    from experiments.replicate_parallel import ReplicationProgress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    bar = ReplicationProgress(total=2, points=1, per_point={0: 2}, stream=tty)
    bar.advance(0)
    bar.advance(0)
    bar.close()
    text = tty.getvalue()
    assert "2/2 replications" in text and "ETA 00:00" in text and text.endswith("\n")
    assert "points" not in text
    pipe = io.StringIO()
    bar = ReplicationProgress(total=2, points=1, per_point={0: 2}, stream=pipe)
    bar.advance(0)
    bar.close()
    assert pipe.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers"),
        (["--workers", "2", "--dask", "local:2"], "not allowed with argument"),
    ],
)
def test_bad_executor_options_are_refused_before_any_work(
    config_path, tmp_path, capsys, args, message
):
    out = tmp_path / "out"
    assert main(["run", str(config_path), "--out", str(out), *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_bad_dask_address_is_refused_before_any_work(config_path, tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["run", str(config_path), "--out", str(out), "--dask", "nowhere"])
    assert status != 0
    assert "--dask" in capsys.readouterr().err
    assert not out.exists()


def _result(r, share):
    from experiments.runner import ReplicationResult

    summary = {
        "replication": r,
        "root_seed": 1,
        "targets_call_taking": 1.0,
        "targets_arrival": 10.0,
        "targets_control": 15.0,
        "compliance_arrival": share,
    }
    return ReplicationResult(r, summary, None)


def test_replications_needed_from_the_standard_deviation():
    from scipy import stats

    from experiments.outputs import replications_needed

    sd = math.sqrt(0.02)  # of 0.1 and 0.3

    def half(n):
        return stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)

    needed = replications_needed([0.1, 0.3], half_width=0.05)
    assert half(needed) <= 0.05 < half(needed - 1)
    assert 30 < needed < 40
    assert replications_needed([0.2, 0.2, 0.2], half_width=0.05) == 2
    assert replications_needed([0.5, math.nan], half_width=0.05) is None


def test_summary_warns_when_the_share_interval_is_too_wide():
    from experiments.config import RunConfig
    from experiments.demo import DEMO_CONFIG
    from experiments.outputs import format_summary
    from networks import i18n

    cfg = RunConfig.from_dict(DEMO_CONFIG, source="<test>")
    with i18n.language("en"):
        wide = format_summary(cfg, [_result(0, 0.0), _result(1, 1.0)])
        narrow = format_summary(cfg, [_result(r, 0.9 + 0.001 * r) for r in range(5)])
    warnings = [line for line in wide.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "2 replications" in warnings[0] and "5 percentage points" in warnings[0]
    assert "warning" not in narrow


def test_the_warning_counts_every_share_the_summary_shows():
    """A wide warned-area share needs more replications than the standard's (narrow) one.

    The warning looked only at the standard's and the reporting shares, and said
    "every share" while the warned area's interval was wider than the one it named.
    """
    from experiments.config import RunConfig
    from experiments.demo import DEMO_CONFIG
    from experiments.outputs import format_summary, replications_needed
    from networks import i18n

    cfg = RunConfig.from_dict(DEMO_CONFIG, source="<test>")
    results = [_result(r, 0.5 + 0.04 * r) for r in range(3)]  # ±10 points or so
    warned = [0.2, 0.9, 0.5]
    for res, w in zip(results, warned, strict=True):
        res.summary["warning_compliance_arrival"] = w
    with i18n.language("en"):
        text = format_summary(cfg, results)
    line = next(ln for ln in text.splitlines() if ln.startswith("warning:"))
    assert "(warned area: first team on scene within target)" in line
    assert f"about {replications_needed(warned, half_width=0.05)} replications" in line


def test_siting_evaluation_is_the_same_with_two_workers(config_path):
    # site --evaluate R --workers N: the paired replications of both sitings give the
    # same numbers whatever the worker count.
    import numpy as np

    from experiments.config import RunConfig
    from experiments.siting.evaluate import evaluate_siting

    config = RunConfig.from_file(config_path)
    region = config.region()
    proposed = type(region)(
        network=region.network, stations=region.stations[::-1], depots=region.depots,
        sources=region.sources, reinforcement=region.reinforcement,
    )  # fmt: skip
    one = evaluate_siting(config, region, proposed, 3, workers=1)
    two = evaluate_siting(config, region, proposed, 3, workers=2)
    for side in ("current", "proposed"):
        a, b = getattr(one, side), getattr(two, side)
        assert a.keys() == b.keys() and a
        for m in a:
            np.testing.assert_array_equal(a[m], b[m])


def test_the_summary_says_when_the_reinforcement_was_called_and_arrived():
    """README: with [reinforcement] "the summary says when they were called and when they
    arrived"; the rows were only in summary.json. A run that never called it is left out."""
    from experiments.config import RunConfig
    from experiments.demo import DEMO_CONFIG
    from experiments.outputs import format_summary
    from networks import i18n

    cfg = RunConfig.from_dict(DEMO_CONFIG, source="<test>")
    results = [_result(r, 0.8) for r in range(3)]
    for res, called, arrived in zip(results, (600.0, None, 900.0), (840.0, None, 1140.0),
                                    strict=True):  # fmt: skip
        res.summary["reinforcement_called_min"] = called
        res.summary["reinforcement_arrived_min"] = arrived
    with i18n.language("en"):
        text = format_summary(cfg, results)
        plain = format_summary(cfg, [_result(r, 0.8) for r in range(3)])
    called = next(ln for ln in text.splitlines() if "reinforcement called" in ln)
    arrived = next(ln for ln in text.splitlines() if "reinforcement arrived" in ln)
    assert called.split()[-4] == "750.0" and arrived.split()[-4] == "990.0"  # of the two
    assert "reinforcement" not in plain
