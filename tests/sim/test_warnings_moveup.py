"""Move-up with a warning's staging: staged teams stay put, and only move-ups are counted."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.runner import ReplicationResult, run_replication
from sim.moveup_records import incident_window
from tests.sim.test_moveup_counts import _expected


@pytest.fixture(scope="module")
def typhoon() -> ReplicationResult:
    """The typhoon warned 12 h ahead, every orange-level team staged, compliance move-up."""
    cfg = RunConfig.from_dict(
        {
            "network": {"synthetic": "county"},
            "scenario": {"name": "typhoon_landfall"},
            "warnings": {"lead_h": 12, "orange": {"stage_share": 1.0}},
            "moveup": {"policy": "compliance"},
        },
        source="t.toml",
    )
    return run_replication(cfg, replication=0)


def test_move_up_does_not_undo_a_warnings_staging(typhoon):
    # Compliance move-up prefers sending a team back to the station it was built at; a team
    # the plan staged must stay at its staging post until the plan stands it down.
    rec = typhoon.records
    mv, w = rec.moves, rec.warnings
    warned = mv["reason"] == "warning"
    staged = np.unique(mv["team"][warned])
    assert staged.size >= 2 and (mv["reason"] == "move_up").any()  # both kinds of move happen
    for team in staged.tolist():
        mine = mv["team"] == team
        start = mv["depart"][mine & warned].min()
        down = w["stand_down"].max()
        moved_up = mine & (mv["reason"] == "move_up") & (mv["depart"] >= start)
        assert not (mv["depart"][moved_up] < down).any(), team


def test_a_run_with_warning_and_move_up_moves_counts_only_the_move_ups(typhoon):
    result = typhoon
    rec, s = result.records, result.summary
    reason = np.asarray(rec.moves["reason"])
    warned = reason == "warning"
    end = incident_window(rec)
    assert (reason == "move_up").any()
    assert np.any(warned & (rec.moves["depart"] <= end))  # staging moves in the window
    want = _expected(rec, reason)
    assert s["moveup_moves"] == want["moves"] < len(reason)
    assert s["moveup_moves_per_day"] == pytest.approx(want["moves_per_day"], rel=1e-6)
    assert s["moveup_move_min_mean"] == pytest.approx(want["move_min_mean"], rel=1e-6)
    # The warning's moves are its staging (reported as teams staged) and the stand-down
    # moves home: one of each per staged team.
    assert s["warning_teams_staged"] == int(np.sum(rec.warnings["teams_staged"]))
    assert warned.sum() == 2 * s["warning_teams_staged"]


@pytest.fixture(scope="module")
def red_multi_hazard() -> list[ReplicationResult]:
    """The review's case: multi-hazard, red-level teams all staged 12 h ahead, compliance."""
    cfg = RunConfig.from_dict(
        {
            "network": {"synthetic": "county"},
            "scenario": {"name": "multi_hazard"},
            "run": {"replications": 3},
            "warnings": {"lead_h": 12, "red": {"stage_share": 1.0}},
            "moveup": {"policy": "compliance"},
        },
        source="t.toml",
    )
    return [run_replication(cfg, replication=r) for r in range(3)]


def test_move_up_keeps_the_staging_points_own_teams(red_multi_hazard):
    # A staged team is an extra at its staging point: compliance counted it in the point's
    # slot and moved the point's own team away as surplus, undoing the reinforcement.
    seen = 0
    for result in red_multi_hazard:
        rec = result.records
        mv, w = rec.moves, rec.warnings
        cap, frm, to = mv["capability"], mv["from_station"], mv["to_station"]
        warned = mv["reason"] == "warning"
        down = float(w["stand_down"].max())
        staging = warned & (mv["to_station"] != rec.teams["station"][mv["team"]])
        points = {
            (c, s, t)
            for c, s, t in zip(cap[staging], to[staging], mv["depart"][staging], strict=True)
        }
        seen += len(points)
        for c, s, t in points:
            out = (mv["reason"] == "move_up") & (cap == c) & (frm == s)
            during = out & (mv["depart"] >= t) & (mv["depart"] < down)
            assert not during.any(), (c, s, mv["team"][during].tolist())
    assert seen >= 3  # staging happened


def test_coverage_is_measured_on_one_yardstick_whatever_the_policy():
    # No move-up may be made (a day's budget of 0): the teams stand where the warning plan
    # put them under every policy, so the coverage recorded must be the same. MEXCLP's
    # posts are its bases, which left out the teams staged at township stations.
    def coverage(policy: str) -> dict:
        cfg = RunConfig.from_dict(
            {
                "network": {"synthetic": "county"},
                "scenario": {"name": "multi_hazard"},
                "warnings": {"lead_h": 12, "red": {"stage_share": 1.0}},
                "moveup": {"policy": policy, "max_moves_per_day": 0},
            },
            source="t.toml",
        )
        result = run_replication(cfg, replication=0)
        assert not (result.records.moves["reason"] == "move_up").any()
        assert (result.records.moves["reason"] == "warning").any()
        s = result.summary
        return {k: v for k, v in s.items() if k.startswith("moveup_coverage")}

    none = coverage("none")
    assert len(none) > 2
    for policy in ("compliance", "mexclp"):
        got = coverage(policy)
        assert got.keys() == none.keys()
        for k, v in none.items():
            assert got[k] == pytest.approx(v, abs=1e-9), (policy, k)
