"""``yingji run``'s means per run of stock-outs, unserved incidents and incidents by grade
agree with the counts recomputed from the records of every replication.

The county example (3 replications) has counts that only some replications
have: township restocking short in replications 0 and 2, village stock-outs in
2 only, a grade I incident in 0 only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.outputs import across_replications
from experiments.runner import run_replication

REPO = Path(__file__).resolve().parents[2]
TIERS = ("city", "county", "township", "village", "none")
REASONS = ("no_capability", "after_horizon", "horizon", "unreachable", "stalled")


@pytest.fixture(scope="module")
def county():
    cfg = RunConfig.from_file(REPO / "examples" / "county.toml")
    region = cfg.region()
    return [run_replication(cfg, replication=r, region=region) for r in range(3)]


def _counts(records) -> dict[str, int]:
    """A replication's counts, from its records alone."""
    inc, so = records.incidents, records.stockouts
    needs = (inc["reason"] != "after_horizon") & (inc["teams_needed"] > 0)
    out = {f"by_grade_{g}_incidents": int(np.sum(needs & (inc["grade"] == g))) for g in range(1, 5)}
    for reason in REASONS:
        out[f"unserved_{reason}"] = int(np.sum(~inc["served"] & (inc["reason"] == reason)))
    for tier in TIERS:
        for kind in ("issue", "replenish"):
            sel = (so["tier"] == tier) & (so["kind"] == kind)
            out[f"stockouts_{tier}_{kind}_events"] = int(sel.sum())
            out[f"stockouts_{tier}_{kind}_units_short"] = int(so["short"][sel].sum())
    return out


def test_means_per_run_agree_with_the_records(county):
    across = across_replications(county)
    counts = [_counts(res.records) for res in county]
    some_left_out = False
    for key in counts[0]:
        values = [c[key] for c in counts]
        if not any(values):  # nothing counted in any replication: nothing to show
            assert across.get(key, {"mean": 0})["mean"] == 0
            continue
        some_left_out |= any(key not in res.summary for res in county)
        assert across[key]["n"] == 3, key
        assert across[key]["mean"] == pytest.approx(np.mean(values)), key
    # The case this guards: a count some replication's summary leaves out for being 0.
    assert some_left_out, "no count left out of a summary: the example no longer tests this"


def test_a_grade_share_is_averaged_over_the_replications_with_that_grade(county):
    across = across_replications(county)
    for g in range(1, 5):
        key = f"by_grade_{g}_arrival_share"
        with_grade = sum(_counts(res.records)[f"by_grade_{g}_incidents"] > 0 for res in county)
        assert across.get(key, {"n": 0})["n"] == with_grade
