"""[congestion] in a run config: checked up front, the clock, rush-hour metrics, the example."""

from __future__ import annotations

import dataclasses
import tomllib
import types
from pathlib import Path

import numpy as np
import pytest

import networks.oracle as oracle_mod
import sim
from experiments.config import RunConfig
from experiments.runner import congestion_spec, run_replication
from experiments.spec import ExperimentSpec
from networks.errors import ConfigError
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.congestion import RUSH_HOURS, Congestion
from sim.congestion_summary import call_hours
from tests.sim.helpers import stream_from
from tests.sim.test_congestion import classed_network, station

REPO = Path(__file__).resolve().parents[2]
BASE = {"network": {"synthetic": "county"}, "scenario": {"name": "multi_hazard"}}
PEAK = [1.0] * 7 + [2.0, 2.0] + [1.0] * 15


def _config(congestion, **more):
    return RunConfig.from_dict({**BASE, "congestion": congestion, **more}, source="run.toml")


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"profile": "tokyo"}, "congestion.profile"),
        ({"speed": 2}, "congestion.speed"),
        ({"start_hour": 25}, "congestion.start_hour"),
        ({"start_hour": -1}, "congestion.start_hour"),
        ({"hours": 3}, "congestion.hours"),
        ({"hours": {"highway": PEAK}}, "congestion.hours.highway"),
        ({"hours": {"primary": PEAK[:23]}}, "congestion.hours.primary"),
        ({"hours": {"primary": "fast"}}, "congestion.hours.primary"),
        ({"hours": {"primary": [*PEAK[:7], 0.5, *PEAK[8:]]}}, "congestion.hours.primary[7]"),
        ({"hours": {"primary": [*PEAK[:9], 11.0, *PEAK[10:]]}}, "congestion.hours.primary[9]"),
        ({"hours": {"primary": [*PEAK[:9], "x", *PEAK[10:]]}}, "congestion.hours.primary[9]"),
        ({"hours": {"primary": [*PEAK[:9], float("nan"), *PEAK[10:]]}},
         "congestion.hours.primary[9]"),
    ],
)  # fmt: skip
def test_a_bad_table_is_refused_naming_the_file_and_the_key(table, key):
    with pytest.raises(ConfigError) as err:
        _config(table)
    assert err.value.source == "run.toml" and err.value.key == key
    assert "\n" not in str(err.value)


def test_a_multiplier_below_one_says_how_to_make_roads_faster():
    with pytest.raises(ConfigError, match=r"raise \[network\] speeds"):
        _config({"hours": {"primary": [0.9] * 24}})


def test_the_table_round_trips_and_stays_off_without_it():
    cfg = _config({"profile": "china_city", "hours": {"primary": PEAK}, "start_hour": 7.5})
    again = RunConfig.from_dict(cfg.to_dict(), source="run.toml")
    assert again == cfg and again.to_dict()["congestion"]["hours"]["primary"] == PEAK
    spec = congestion_spec(cfg)
    assert spec.start_hour == 7.5 and spec.multipliers("primary_link") == tuple(PEAK)
    plain = RunConfig.from_dict(BASE, source="run.toml")
    assert plain.congestion is None and congestion_spec(plain) is None
    assert "congestion" not in plain.to_dict()


def test_minute_zero_is_the_scenario_clock_or_the_logs_start():
    cfg = _config({})
    assert congestion_spec(cfg).start_hour == 6.0  # multi_hazard starts at 06:00
    log = dataclasses.replace(cfg, incidents=types.SimpleNamespace(start="2024-07-01T07:30:00"))
    assert congestion_spec(log).start_hour == 7.5
    own = _config({"start_hour": 22})
    assert congestion_spec(dataclasses.replace(own, incidents=log.incidents)).start_hour == 22


def test_a_replication_with_the_table_faces_the_same_calls_on_slower_roads():
    cfg = _config({"profile": "china_city"}, run={"horizon_min": 1440})
    off = _config({"profile": "flat"}, run={"horizon_min": 1440})
    a, b = (run_replication(c, replication=0) for c in (off, cfg))
    np.testing.assert_array_equal(a.records.incidents["call"], b.records.incidents["call"])
    assert a.summary["rush_hour_incidents"] == b.summary["rush_hour_incidents"] > 0
    assert b.records.meta["congestion"]["start_hour"] == 6.0
    assert b.records.dispatches["travel"].sum() > a.records.dispatches["travel"].sum()
    assert b.summary["rush_hour_arrival_mean"] > a.summary["rush_hour_arrival_mean"]


def test_the_rush_hour_split_counts_the_calls_by_clock_hour():
    req = Requirement("building_fire", 3, (("fire", 1),))
    calls = [0.0, 59.9, 60.0, 125.0, 600.0, 610.0, 1439.0]
    stream = stream_from(calls, [0] * len(calls), requirements=[req])
    net = classed_network(2, [(0, 1, 60.0, "primary")])
    rec = sim.run(net, [station("A", 1)], (), stream, rng=np.random.default_rng(0),
                  call_taking=Fixed(0.0), congestion=Congestion(start_hour=6.5))  # fmt: skip
    hours = call_hours(rec, 6.5)
    assert hours.tolist() == [6, 7, 7, 8, 16, 16, 6]
    s = sim.summarise(rec)
    want = sum(h in RUSH_HOURS for h in hours.tolist())
    assert s["rush_hour"]["incidents"] == want == 3
    assert s["off_peak"]["incidents"] == len(calls) - want
    assert s["rush_hour"]["arrival_share"] == 1.0  # a minute's drive (x1.8 at most)


# ------------------------------------------------------------------ the oracle's kept copies
def test_kept_copies_stay_within_their_budget_and_go_first_when_idle(county, monkeypatch):
    nodes = np.asarray([s.node for s in sim.default_facilities(county)[0]], dtype=np.int64)
    oracle_mod._KEPT.clear()
    o = oracle_mod.checkout(county, nodes)
    states = [county, county.with_closed(range(0, 40)), county.with_closed(range(40, 80))]
    each = 2 * nodes.size * county.n_nodes * 4
    monkeypatch.setattr(oracle_mod, "KEPT_TIMES_BYTES", 2 * each)
    for s in states:
        out, back = o.kept_times(s)
        np.testing.assert_array_equal(out, s.travel_times(nodes))
        np.testing.assert_array_equal(back, s.travel_times(nodes, reverse=True))
        assert not out.flags.writeable
    assert o.computed == 3 and o.nbytes - o._kept_bytes > 0 and o._kept_bytes == 2 * each
    o.kept_times(states[2])  # kept: no work
    assert o.computed == 3
    o.kept_times(states[0])  # the oldest went when the third came
    assert o.computed == 4
    # An idle oracle over the pool's budget gives up its copies, not its trees.
    monkeypatch.setattr(oracle_mod, "KEEP_BYTES", o.nbytes - 1)
    o.release()
    assert o._kept_bytes == 0 and oracle_mod.checkout(county, nodes) is o
    o.release()


# ------------------------------------------------------------------ examples/rush_hour.toml
EXAMPLE = REPO / "examples" / "rush_hour.toml"
KEY = "congestion.profile"


def test_the_example_compares_the_profiles_on_the_same_incidents():
    spec = ExperimentSpec.from_file(EXAMPLE)
    spec.check_metrics()  # every metric is one the simulation's summary has
    assert spec.factor_keys == (KEY,) and dict(spec.baseline_point().values)[KEY] == "flat"
    assert {"rush_hour_arrival_share", "off_peak_arrival_share"} <= set(spec.metrics)
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["description_zh"] and "\n" not in data["description_zh"]
    a, b = (p.config.to_dict() for p in spec.points())
    assert a.pop("congestion") != b.pop("congestion") and a == b  # only the profile differs
    assert a["network"]["synthetic"] == "county"
