"""``keep_last_team`` (乡镇站不抽空): no move empties a station of its own capability."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.distributions import Fixed
from sim.engine import Engine
from sim.moveup_spec import MoveupSpec
from sim.targets import ResponseTargets
from tests.sim.helpers import stream_from
from tests.sim.test_moveup import AT_B, FIRE, _line, _run, busy_region, moveup_spec
from tests.sim.test_properties import scenario


def _at_post(eng: Engine, station: int, cap: int) -> int:
    """Free teams of ``cap`` standing at ``station`` or on their way there (as move-up counts)."""
    ret = eng.returning[cap]
    back = sum(1 for t in ret if eng.team_station[t] == station and eng.ret_end[t] < math.inf)
    return len(eng.free_home[station][cap]) + back


@pytest.mark.parametrize("policy", ["compliance", "mexclp"])
def test_a_township_keeps_its_only_team(policy):
    # B's only team is out for an hour; either policy would move A's only team to B.
    net, stations = _line(a_teams=1)
    stream = stream_from([0.0, 30.0], [4, 4], requirements=FIRE, control=[60, 5], clear=[0, 0])
    spec = MoveupSpec(policy=policy, demand=AT_B, busy_probability=0.0, min_gap_min=0.0)
    moved = _run(net, stations, stream, moveup=spec)
    assert (moved.moves["from_station"] == 0).any()
    kept = _run(net, stations, stream, moveup=replace(spec, keep_last_team=True))
    assert len(kept.moves["team"]) == 0
    # A's second team may still go: only the last one stays.
    net, stations = _line(a_teams=2)
    two = _run(net, stations, stream, moveup=replace(spec, keep_last_team=True))
    assert (two.moves["from_station"] == 0).any()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.one_of(busy_region(), busy_region(), scenario()), spec=moveup_spec())
def test_no_move_leaves_a_base_without_a_free_team(case, spec):
    net, stations, depots, stream, kw, seed = case
    spec = replace(spec, keep_last_team=True)
    eng = Engine(
        net, stations, depots, stream, policy=kw["policy"], rng=np.random.default_rng(seed),
        horizon=kw["horizon"], targets=ResponseTargets(), travel_noise=kw["travel_noise"],
        call_taking=Fixed(0.5), moveup=spec,
    )  # fmt: skip
    move = eng._move
    checked = []

    def checking_move(team: int, station: int, minutes: float) -> None:
        cap, source = eng.team_cap[team], eng.team_station[team]
        move(team, station, minutes)
        if eng._mu_bases[cap][source] > 0:
            assert _at_post(eng, source, cap) >= 1, (team, source, station)
        checked.append(team)

    eng._move = checking_move
    rec = eng.run()
    assert len(checked) == len(rec.moves["team"])
