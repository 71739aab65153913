"""A replay with nothing to compare is refused, never reported as a match (audit_input #3).

A log with no incidents, or with no observed time that makes an interval, is
bad input; a test with no data says so; a calibration with no arrival to fit
is refused; and a run's ``[scenario] incidents`` file with no rows is refused
as the station tables are.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from experiments.cli import main
from experiments.config import RunConfig
from experiments.replay import read_replay_log
from experiments.replay.calibrate import calibrate
from experiments.replay.outputs import KS_LEVEL, ks_verdict
from networks import i18n
from networks.errors import ConfigError
from tests.bad_inputs.harness import snapshot

ROOT = Path(__file__).resolve().parents[2]
COUNTY = ROOT / "examples" / "county.toml"
EXAMPLE_LOG = ROOT / "examples" / "replay" / "county_log.csv"
OBSERVED = ("call_taken", "first_arrival", "under_control")


@pytest.fixture(scope="module")
def network():
    return RunConfig.from_file(COUNTY).region().network


def _log(folder: Path, name: str, *, rows: int = 6, keep=OBSERVED, blank=()) -> Path:
    """The example log's first ``rows`` incidents, observed columns ``keep``, ``blank`` emptied."""
    with open(EXAMPLE_LOG, newline="", encoding="utf-8") as fh:
        table = list(csv.reader(fh))[: rows + 1]
    head = table[0]
    cols = [j for j, c in enumerate(head) if c not in OBSERVED or c in keep]
    out = [[r[j] for j in cols] for r in table]
    for c in blank:
        j = out[0].index(c)
        for r in out[1:]:
            r[j] = ""
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(out)
    return path


def test_a_log_with_a_header_and_no_incidents_is_refused(network, tmp_path):
    path = _log(tmp_path, "empty.csv", rows=0)
    with pytest.raises(ConfigError) as err, i18n.language("en"):
        read_replay_log(path, network)
    assert err.value.source == str(path)
    assert "no rows (no incidents)" in str(err.value)


@pytest.mark.parametrize(
    ("keep", "blank", "words"),
    [
        ((), (), ["add a call_taken, first_arrival or under_control column"]),
        (OBSERVED, OBSERVED, ["call_taken, first_arrival, under_control are empty"]),
        (("first_arrival",), (), ["no interval to compare"]),
        (("call_taken", "under_control"), ("call_taken",), ["no interval to compare"]),
    ],
    ids=["no-observed-column", "all-empty", "arrival-only", "control-without-arrival"],
)
def test_a_log_with_nothing_to_compare_names_the_file_and_columns(
    network, tmp_path, keep, blank, words
):
    path = _log(tmp_path, "log.csv", keep=keep, blank=blank)
    with pytest.raises(ConfigError) as err, i18n.language("en"):
        read_replay_log(path, network)
    assert err.value.source == str(path)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize(
    "keep", [("call_taken",), ("first_arrival", "under_control")], ids=["taken", "arr+ctl"]
)
def test_one_measurable_interval_is_enough(network, tmp_path, keep):
    path = _log(tmp_path, "log.csv", keep=keep)
    log = read_replay_log(path, network)
    assert len(log) == 6
    for c in keep:
        assert np.isfinite(log.times[c]).any()  # the example leaves some control empty


def test_a_log_whose_intervals_are_each_measured_once_is_refused(network, tmp_path):
    path = _log(tmp_path, "one.csv", rows=1)
    with pytest.raises(ConfigError) as err, i18n.language("en"):
        read_replay_log(path, network)
    assert err.value.source == str(path)
    assert "one incident only" in str(err.value)
    # Two incidents make a distribution (wide, but a comparison): accepted.
    assert len(read_replay_log(_log(tmp_path, "two.csv", rows=2), network)) == 2


def test_an_interval_measured_twice_is_enough_when_another_is_measured_once(network, tmp_path):
    # call_taken known for one incident: arrival -> under control, known for two, compares.
    path = _log(tmp_path, "log.csv", rows=2)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[2][rows[0].index("call_taken")] = ""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    assert np.isfinite(read_replay_log(path, network).times["call_taken"]).sum() == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_refuses_a_one_incident_log_in_one_line(tmp_path, capsys, lang):
    path = _log(tmp_path, "one.csv", rows=1)
    before = snapshot(tmp_path)
    status = main(["--lang", lang, "replay", str(path), "--config", str(COUNTY),
                   "--replications", "1", "--out", str(tmp_path / "out")])  # fmt: skip
    captured = capsys.readouterr()
    err = [x for x in captured.err.splitlines() if x.strip()]
    assert status == 2
    assert len(err) == 1 and str(path) in err[0]
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_refuses_an_empty_log_in_one_line_and_writes_nothing(tmp_path, capsys, lang):
    path = _log(tmp_path, "empty.csv", rows=0)
    before = snapshot(tmp_path)
    out = tmp_path / "out"
    status = main(["--lang", lang, "replay", str(path), "--config", str(COUNTY),
                   "--calibrate", "--replications", "1", "--out", str(out)])  # fmt: skip
    captured = capsys.readouterr()
    err = [x for x in captured.err.splitlines() if x.strip()]
    assert status == 2
    assert len(err) == 1 and "Traceback" not in captured.err
    assert str(path) in err[0]
    assert "converged" not in captured.out and "0 incidents" not in captured.out
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_test_with_no_data_gives_no_verdict(lang):
    with i18n.language(lang):
        verdict = ks_verdict(math.nan)
        assert verdict == i18n._("no data")
        for p in (0.5, KS_LEVEL / 2):  # a real p-value still gets its verdict at the level
            assert ks_verdict(p) != verdict and f"{KS_LEVEL:g}" in ks_verdict(p)


def test_calibration_without_an_observed_arrival_is_refused_before_any_simulation():
    calls = []

    def simulate(turnout, speed):
        calls.append((turnout, speed))
        return np.ones((2, 5))

    with pytest.raises(ConfigError) as err:
        calibrate(np.full(5, np.nan), simulate, np.array(["a"] * 5), source="log.csv")
    assert err.value.source == "log.csv"
    assert calls == []


def test_calibration_that_compared_no_simulated_arrival_has_not_converged():
    observed = np.linspace(5.0, 15.0, 30)
    strata = np.array(["a"] * 30)
    fit = calibrate(observed, lambda t, s: np.full((2, 30), np.nan), strata, groups=("major",))
    assert not fit.converged
    # The same search with arrivals to compare does converge: the flag is about the data.
    fit = calibrate(observed, lambda t, s: np.tile(observed, (2, 1)) * t, strata, groups=())
    assert fit.converged


NETWORK = '[network]\nsynthetic = "county"\ntownships = 4\nvillages = 16\ngrid = 8\nseed = 3\n'


def _run_config(folder: Path, log: str) -> Path:
    path = folder / "run.toml"
    text = f'{NETWORK}[scenario]\nincidents = "{log}"\n[run]\nseed = 5\nreplications = 1\n'
    path.write_text(text, encoding="utf-8")
    return path


def test_a_run_refuses_an_incidents_file_with_a_header_and_no_rows(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("time,node,hazard,grade\n\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err, i18n.language("en"):
        RunConfig.from_file(_run_config(tmp_path, "log.csv"))
    assert err.value.source == str(log)
    assert "the table has no rows (no incidents)" in str(err.value)
    # A wrong header is still named first (the header is checked before the rows).
    log.write_text("time,node,hazard,grayde\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="grayde"):
        RunConfig.from_file(_run_config(tmp_path, "log.csv"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_run_with_an_empty_incidents_file_exits_2_and_writes_nothing(tmp_path, capsys, lang):
    log = tmp_path / "log.csv"
    log.write_text("time,node,hazard,grade\n", encoding="utf-8")
    cfg = _run_config(tmp_path, "log.csv")
    before = snapshot(tmp_path)
    status = main(["--lang", lang, "run", str(cfg), "--out", str(tmp_path / "out"), "--no-plots"])
    captured = capsys.readouterr()
    err = [x for x in captured.err.splitlines() if x.strip()]
    assert status == 2
    assert len(err) == 1 and "Traceback" not in captured.err and str(log) in err[0]
    assert snapshot(tmp_path) == before


def test_a_fit_stopped_at_a_bound_says_so():
    """A log asking for turnout x10 stopped at x4 and was reported as a fit, silently."""
    observed = np.linspace(5.0, 15.0, 30)
    strata = np.array(["a"] * 30)
    far = calibrate(observed, lambda t, s: np.tile(observed / 10, (2, 1)) * t, strata, groups=())
    assert far.turnout == pytest.approx(4.0, rel=0.01) and far.at_bound == ("turnout",)
    assert far.to_dict()["at_bound"] == ["turnout"]
    near = calibrate(observed, lambda t, s: np.tile(observed / 1.5, (2, 1)) * t, strata, groups=())
    assert near.turnout == pytest.approx(1.5, rel=0.05) and near.at_bound == ()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_p_value_below_the_printed_digits_reads_as_less_than_them(lang):
    from types import SimpleNamespace

    from experiments.replay.compare import TwoSampleRow
    from experiments.replay.outputs import format_replay

    tests = [TwoSampleRow("arrival", 0.9, 1e-12, 300, 6000),
             TwoSampleRow("call_taking", 0.1, 0.31234, 300, 6000),
             TwoSampleRow("control", math.nan, math.nan, 0, 0)]  # fmt: skip
    result = SimpleNamespace(area=np.zeros(300), replications=20, seed=1, quantiles=[],
                             tests=tests, areas=[])  # fmt: skip
    with i18n.language(lang):
        text = format_replay(result)
    assert "p < 0.0001" in text and "p = 0.0000" not in text
    assert "p = 0.3123" in text and "p = -" in text
