"""Move-up's move counts are of move-ups: a warning plan's staging moves are not counted."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.moveup_records import incident_window, moveup_summary
from sim.moveup_spec import MoveupSpec
from tests.sim.helpers import stream_from
from tests.sim.test_moveup import AT_B, FIRE, _line, _run


def _expected(records, reason: np.ndarray) -> dict[str, float]:
    """The counts by their definition, over the rows of ``reason`` ``move_up``."""
    mv = records.moves
    up = reason == "move_up"
    end = incident_window(records)
    days = (end - records.start) / 1440.0
    drive = (mv["arrive"] - mv["depart"])[up]
    return {
        "moves": int(up.sum()),
        "moves_per_day": np.sum(mv["depart"][up] <= end) / days,
        "move_min_mean": np.nanmean(drive) if np.any(~np.isnan(drive)) else None,
    }


@pytest.fixture(scope="module")
def moved():
    net, stations = _line()
    stream = stream_from([0.0, 30.0, 200.0], [4, 4, 0], requirements=FIRE,
                         control=[40, 30, 60], clear=[0, 0, 0])  # fmt: skip
    rec = _run(net, stations, stream, moveup=MoveupSpec(demand=AT_B, busy_probability=0.0,
                                                        min_gap_min=0.0))  # fmt: skip
    assert len(rec.moves["team"]) >= 2
    return rec


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_warning_rows_change_no_move_up_count(moved, data):
    # Relabel some moves as a warning's and add made-up warning moves: the counts are those of
    # the move-up rows alone, and the coverage is left as it was.
    mv = moved.moves
    n = len(mv["team"])
    relabel = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    k = data.draw(st.integers(0, 6))
    extra = {
        "team": np.zeros(k, np.int64),
        "capability": np.full(k, "fire"),
        "from_station": np.zeros(k, np.int64),
        "to_station": np.ones(k, np.int64),
        "depart": np.array(data.draw(st.lists(st.floats(0, 100), min_size=k, max_size=k))),
        "arrive": np.full(k, 500.0),
        "reason": np.full(k, "warning"),
        "dispatched": np.full(k, np.nan),
    }
    reason = np.where(relabel, "warning", np.asarray(mv["reason"]))
    moves = {c: np.concatenate([mv[c] if c != "reason" else reason, extra[c]]) for c in mv}
    rec = replace(moved, moves=moves)
    s, base = moveup_summary(rec), moveup_summary(moved)
    want = _expected(rec, np.asarray(moves["reason"]))
    assert s["moves"] == want["moves"] == n - relabel.sum()
    assert s["moves_per_day"] == pytest.approx(want["moves_per_day"], rel=1e-6)
    if want["move_min_mean"] is None:
        assert s["move_min_mean"] is None
    else:
        assert s["move_min_mean"] == pytest.approx(want["move_min_mean"], rel=1e-6)
    assert s["coverage_share"] == base["coverage_share"]
    if not relabel.any():  # only warning rows added: the move-up counts stay
        for key in ("moves", "moves_per_day", "move_min_mean"):
            assert s[key] == base[key]
