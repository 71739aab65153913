"""An experiment's tables count a count that a replication's summary leaves out as 0.

A replication whose summary has no ``stockouts_village_issue_events`` had no
such stock-out: ``analysis/points.csv`` and ``paired.csv`` (and the report's
tables made from them), the tidy summary table and ``yingji site --evaluate``
must all count it as 0 in that replication, while a share undefined in a
replication (a grade without incidents) stays left out. The replications are
made up (no simulation runs), so the expected numbers are known exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

from experiments.analysis import metric_matrix, paired_intervals, point_intervals
from experiments.batch import run_experiment
from experiments.store import ResultStore, read_table
from tests.experiments.test_experiment_batch import make_spec

COUNT = "stockouts_village_issue_events"
GRADE = "by_grade_1_incidents"
SHARE = "by_grade_1_arrival_share"


@dataclass
class _Result:
    summary: dict[str, float | int]
    records: None = None


def _counted(point_scale: int, replication: int) -> int:
    """The village stock-outs of a replication: in replication 1 only, more at larger points."""
    return point_scale * 3 if replication == 1 else 0


def counts_replicate(config, *, replication: int, root_seed: int) -> _Result:
    """Summaries as :func:`sim.summary.summarise` writes them: zero counts left out."""
    scale = int(config.to_dict()["network"]["townships"])
    summary: dict[str, float | int] = {"incidents": 10, "replication": replication}
    if _counted(scale, replication):
        summary[COUNT] = _counted(scale, replication)
    if replication == 2:  # one grade I incident, reached in time
        summary[GRADE] = 1
        summary[SHARE] = 1.0
    return _Result(summary)


def _expected(values: list[float]) -> tuple[int, float, float, float]:
    x = np.asarray(values, float)
    sd = x.std(ddof=1)
    h = stats.t.ppf(0.975, x.size - 1) * sd / math.sqrt(x.size) if sd else 0.0
    return x.size, float(x.mean()), float(x.mean() - h), float(x.mean() + h)


@pytest.fixture
def store(tmp_path) -> ResultStore:
    spec = make_spec(tmp_path, metrics=[COUNT, GRADE, SHARE])
    out = tmp_path / "out"
    run_experiment(spec, out, replicate=counts_replicate, progress=False)
    return ResultStore.open(out)


def test_points_table_means_per_run(store):
    rows = store.rows()
    table = point_intervals(rows, store.points, [COUNT, GRADE, SHARE])
    for i, metric in enumerate(table["metric"]):
        p = next(p for p in store.points if p.index == table["point"][i])
        scale = int(p.values["network.townships"])
        got = (table["n"][i], table["mean"][i], table["ci_low"][i], table["ci_high"][i])
        if metric == COUNT:
            assert got == pytest.approx(_expected([_counted(scale, r) for r in range(3)]))
        elif metric == GRADE:
            assert got == pytest.approx(_expected([0, 0, 1]))
        else:  # the share exists in replication 2 only: one value, no interval
            assert table["n"][i] == 1 and table["mean"][i] == 1.0
            assert math.isnan(table["ci_low"][i])


def test_paired_differences_pair_every_replication(store):
    rows = store.rows()
    base = next(p.index for p in store.points if p.values["network.townships"] == 10)
    table = paired_intervals(rows, store.points, [COUNT], baseline=base)
    for i, point in enumerate(table["point"]):
        scale = next(p for p in store.points if p.index == point).values["network.townships"]
        diffs = [_counted(scale, r) - _counted(10, r) for r in range(3)]
        assert table["n"][i] == 3
        assert table["diff"][i] == pytest.approx(np.mean(diffs))


def test_the_metric_matrix_counts_a_left_out_count_as_zero(store):
    matrix, reps = metric_matrix(store.rows(), store.points, COUNT)
    assert reps == [0, 1, 2]
    for i, p in enumerate(store.points):
        scale = p.values["network.townships"]
        assert matrix[i].tolist() == [_counted(scale, r) for r in range(3)]
    shares, _reps = metric_matrix(store.rows(), store.points, SHARE)
    assert np.isnan(shares[:, :2]).all() and (shares[:, 2] == 1.0).all()


def test_the_tidy_summary_table_has_zero_not_nan(store):
    table = read_table(store.write_summary())
    for i, r in enumerate(table["replication"]):
        scale = table["network.townships"][i]
        assert table[COUNT][i] == _counted(scale, r)
        assert table[GRADE][i] == (1 if r == 2 else 0)
        assert (table[SHARE][i] == 1.0) if r == 2 else math.isnan(table[SHARE][i])


def test_site_evaluation_counts_a_left_out_count_as_zero(monkeypatch):
    import experiments.replicate_parallel as rp
    import experiments.siting.evaluate as ev

    per_siting = [
        [{COUNT: 4}, {}, {COUNT: 2}],  # current: 4, 0, 2 village stock-outs
        [{}, {}, {COUNT: 1}],  # proposed: 0, 0, 1
    ]
    runs = [[_Result(s) for s in siting] for siting in per_siting]
    monkeypatch.setattr(rp, "run_paired", lambda *a, **k: runs)
    monkeypatch.setattr(ev, "supply_metrics", lambda *a, **k: {})
    monkeypatch.setattr(ev, "first_drive", lambda *a: float("nan"))  # no records here
    out = ev.evaluate_siting(
        None, None, None, facility="depots", replications=3, metrics=(COUNT, SHARE)
    )
    assert out.current[COUNT].tolist() == [4, 0, 2]
    assert out.proposed[COUNT].tolist() == [0, 0, 1]
    assert np.isnan(out.current[SHARE]).all()  # no grade I incident: nothing to measure
