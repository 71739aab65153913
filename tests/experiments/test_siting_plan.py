"""The pieces of ``yingji site``: candidates, demand, statistics, proposals, pairing."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.config import RunConfig
from experiments.runner import run_replication
from experiments.siting.evaluate import evaluate_siting, supply_metrics
from experiments.siting.places import DEMAND_SPAWN_KEY, grid_nodes
from experiments.siting.plan import build_problem, coverage_stats, nearest_minutes, site
from experiments.siting.proposal import proposed_region
from experiments.siting.task import SitingTask, read_tasks
from networks.errors import ConfigError

BASE = {
    "network": {"synthetic": "county"},
    "scenario": {"name": "typical_week"},
    "facilities": {"township_stations": 6},
    "run": {"seed": 3},
}


@pytest.fixture(scope="module")
def config():
    return RunConfig.from_dict(BASE, source="test")


@pytest.fixture(scope="module")
def region(config):
    return config.region()


def _task(**kw):
    data = {**BASE, "siting": kw}
    return read_tasks(data, source="test", base_dir=Path.cwd())[0]


@settings(max_examples=30, deadline=None)
@given(spacing=st.floats(min_value=200.0, max_value=20_000.0))
def test_grid_nodes_keep_one_node_per_cell_nearest_its_centre(county, spacing):
    nodes = grid_nodes(county, spacing)
    x, y = county.nodes.x, county.nodes.y
    cells = np.column_stack([np.floor(x / spacing), np.floor(y / spacing)])
    assert np.unique(cells, axis=0).shape[0] == nodes.size  # every occupied cell, once
    assert np.unique(cells[nodes], axis=0).shape[0] == nodes.size
    centre = (cells + 0.5) * spacing
    d = np.hypot(x - centre[:, 0], y - centre[:, 1])
    for n in nodes[:: max(1, nodes.size // 20)]:
        same = np.all(cells == cells[n], axis=1)
        assert d[n] == d[same].min()


def test_coverage_stats_by_hand():
    minutes = np.array([1.0, 5.0, 12.0, np.inf, 9.0])
    stats = coverage_stats(minutes, np.array([0, 1, 2, 3]), np.array([1.0, 1.0, 2.0, 4.0]), 10.0)
    assert stats["covered_share"] == pytest.approx(2 / 8)
    assert stats["unreachable_share"] == pytest.approx(4 / 8)
    assert stats["nodes_covered_share"] == pytest.approx(3 / 5)
    assert stats["mean_min"] == pytest.approx((1 + 5 + 24) / 4)
    assert stats["median_min"] == 5.0 and stats["p90_min"] == 12.0 and stats["max_min"] == 12.0


def test_scenario_demand_counts_incidents_on_seeds_replications_never_use(config, region):
    prob = build_problem(_task(demand="scenario", demand_samples=3), config, region)
    from experiments.runner import draw_incidents

    total = np.zeros(region.network.n_nodes)
    for k in range(3):
        seed = np.random.SeedSequence(config.seed, spawn_key=(DEMAND_SPAWN_KEY, k))
        stream = draw_incidents(config, region, rng=np.random.default_rng(seed))
        total += np.bincount(stream.node, minlength=total.size)
    np.testing.assert_array_equal(prob.demand_nodes, np.flatnonzero(total))
    np.testing.assert_array_equal(prob.weights, total[total > 0])
    # Replication 0's incidents are not among the samples.
    rep0 = run_replication(config, replication=0, region=region).records.incidents
    seed0 = np.random.SeedSequence(config.seed, spawn_key=(DEMAND_SPAWN_KEY, 0))
    sample0 = draw_incidents(config, region, rng=np.random.default_rng(seed0))
    assert not np.array_equal(rep0["node"][:20], sample0.node[:20])


def test_other_tiers_are_fixed_outside_p(config, region):
    prob = build_problem(_task(p=4, demand="nodes"), config, region)
    city = [s.node for s in region.stations if s.tier == "city"]
    np.testing.assert_array_equal(prob.background, city)
    assert np.isin(prob.current, prob.candidates).all()
    res = site(prob.task, config, region)
    assert res.selected.size == 4 and not np.isin(city, res.selected).any()
    assert res.after["sites"] == 4 and res.before["sites"] == 6


def test_more_sites_never_cover_less(config, region):
    shares = [
        site(_task(p=p, demand="population"), config, region).after["covered_share"]
        for p in (3, 6, 9)
    ]
    assert shares == sorted(shares)


@pytest.mark.parametrize("model", ["mclp", "backup", "pcenter", "pmedian"])
def test_no_station_moves_without_a_gain(config, region, model):
    # With a standard every site meets, the covering models are indifferent: the current
    # stations stay. p-median and p-center move only when the objective strictly improves.
    task = _task(model=model, p=6, demand="population", standard_min=120)
    res = site(task, config, region)
    if model in ("mclp", "backup"):
        np.testing.assert_array_equal(res.selected, np.sort(res.problem.current))
        assert res.after["new_sites"] == 0
    score = {"pmedian": "cost_of", "pcenter": "radius_of"}.get(model)
    if score:
        cand = res.problem.candidates
        pos = np.searchsorted(cand, np.union1d(res.selected, res.problem.background))
        now = np.searchsorted(cand, np.union1d(res.problem.current, res.problem.background))
        got, cur = getattr(res.model, score)(pos), getattr(res.model, score)(now)
        assert got == pytest.approx(res.model.objective_)
        assert (res.after["new_sites"] == 0) == (got >= cur)


def test_lscp_opens_the_fewest_sites_that_cover_everything(config, region):
    res = site(_task(model="lscp", demand="nodes", candidates="nodes", standard_min=20),
               config, region)  # fmt: skip
    assert res.after["covered_share"] == 1.0
    # One fewer site cannot cover everything: drop each chosen site in turn.
    bg = res.problem.background
    for drop in res.selected:
        rest = np.union1d(np.setdiff1d(res.selected, [drop]), bg)
        assert (nearest_minutes(region.network, rest) > 20).any()


def test_proposed_depots_are_reparented_by_road(config, region):
    res = site(_task(facility="depots", model="pmedian", p=4, demand="population"),
               config, region)  # fmt: skip
    new = proposed_region(res, region)
    town = [d for d in new.depots if d.tier == "township"]
    assert sorted(d.node for d in town) == res.selected.tolist()
    names = {d.name: d for d in new.depots}
    assert len(names) == len(new.depots)
    tt_town = region.network.travel_times([d.node for d in town])
    for d in new.depots:
        if d.tier == "village" and d.parent in {t.name for t in town}:
            assert names[d.parent].node == town[int(np.argmin(tt_town[:, d.node]))].node
        if d.tier == "township" and d.name.endswith("(proposed)"):
            assert names[d.parent].tier in ("city", "county")
    old = {d.name for d in region.depots if d.tier == "township"}
    assert not any(d.parent in old - set(names) for d in new.depots)  # no dangling parent


def test_same_incidents_for_both_sitings(config, region):
    res = site(_task(p=6, demand="population"), config, region)
    new = proposed_region(res, region)
    a = run_replication(config, replication=1, region=region).records.incidents
    b = run_replication(config, replication=1, region=new).records.incidents
    for col in ("call", "node", "hazard", "grade", "call_taken"):
        np.testing.assert_array_equal(a[col], b[col])


def test_a_siting_compared_with_itself_differs_by_exactly_zero(config, region):
    ev = evaluate_siting(config, region, region, 3)
    t = ev.table()
    assert all(d == 0.0 for d in t["diff"])
    assert set(t["verdict"]) == {"no clear difference"}


def test_supply_metrics_by_hand():
    records = SimpleNamespace(
        incidents={
            "call": np.zeros(4), "call_taken": np.array([0.0, 10.0, 0.0, 5.0]),
            "supply_short": np.array([0, 0, 3, 0]),
        },
        supplies={
            "kind": np.array(["issue", "issue", "transfer", "issue", "issue"]),
            "incident": np.array([0, 0, -1, 1, 2]),
            "arrive": np.array([20.0, 40.0, 99.0, 25.0, 7.0]),
        },
    )  # fmt: skip
    m = supply_metrics(records, standard_min=30.0)
    # Incident 0: last unit at 40 (40 min); 1: at 25 (15 min); 2: left short; 3: none needed.
    assert m["supply_within_standard"] == pytest.approx(1 / 3)
    assert m["supply_delivery_mean"] == pytest.approx((40 + 15) / 2)
    assert m["supply_short_units"] == 3


def test_task_defaults_follow_the_facility():
    t = SitingTask(name="s")
    assert t.standard({"arrival": 12}) == 12 and t.travel_budget_min({"arrival": 12}) == 12
    d = SitingTask(name="d", facility="depots", turnout_min=5)
    assert d.standard({}) == 30 and d.travel_budget_min({}) == 25


def test_capacities_cost_travel_and_are_respected(config, region):
    free = site(_task(model="pmedian", p=6, demand_samples=2), config, region)
    total = free.problem.weights.sum()
    tight = site(
        _task(model="pmedian", p=6, demand_samples=2, capacity=float(total / 8)),
        config, region,
    )  # fmt: skip
    assert tight.model.objective_ >= free.model.objective_ - 1e-6
    served = tight.model.allocation_.T @ tight.problem.weights  # per candidate
    cand = tight.problem.candidates
    township = ~np.isin(cand, tight.problem.background)
    assert (served[township] <= total / 8 + 1e-6).all()
    with pytest.raises(ConfigError, match="only the pmedian model takes capacities"):
        _task(model="mclp", capacity=10.0)


def test_evaluation_tolerates_runs_with_nothing_to_measure(tmp_path):
    # One water-rescue team at the seat: every typical-week incident lacks a capability, so a
    # replication has no arrival interval at all; the comparison says so instead of failing.
    cfg = RunConfig.from_dict(
        {
            "network": {"synthetic": "county"},
            "scenario": {"name": "typical_week"},
            "stations": [{"name": "Seat", "tier": "city", "location": "landmark:County Seat",
                          "teams": [{"capability": "water_rescue", "size": 8}]}],
            "facilities": {"depots": "none"},
        },
        source="t", base_dir=tmp_path,
    )  # fmt: skip
    region = cfg.region()
    assert region.depots == ()
    ev = evaluate_siting(cfg, region, region, 2)
    t = ev.table()
    row = t["metric"].index("intervals_arrival_mean")
    # Nothing measured: no verdict to give; the rest cannot differ (one siting).
    assert np.isnan(t["current"][row]) and t["verdict"][row] == "no data"
    assert set(t["verdict"]) == {"no clear difference", "no data"}
