"""Move-up and a warning's staging together: move-up leaves staged teams where the plan put them."""

from __future__ import annotations

import numpy as np

from experiments.config import RunConfig
from experiments.runner import run_replication


def test_move_up_does_not_undo_a_warnings_staging():
    # Compliance move-up prefers sending a team back to the station it was built at; a team
    # the plan staged must stay at its staging post until the plan stands it down.
    cfg = RunConfig.from_dict(
        {
            "network": {"synthetic": "county"},
            "scenario": {"name": "typhoon_landfall"},
            "warnings": {"lead_h": 12, "orange": {"stage_share": 1.0}},
            "moveup": {"policy": "compliance"},
        },
        source="t.toml",
    )
    rec = run_replication(cfg, replication=0).records
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
