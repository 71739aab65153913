"""A run's road closures replay with its incidents: ``records/disruptions`` and ``--disruptions``.

A replay fed only the incidents of a flood runs them on open roads: the
model then reads as hours too fast. A run now writes the closures and
slowdowns its incidents met, and ``yingji replay --disruptions`` replays them.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from experiments.cli import main
from experiments.replay import read_replay_log
from experiments.runner import draw_incidents, replication_seeds, run_replication
from networks.seeds import as_root_seed
from scenarios.export import DISRUPTION_COLUMNS
from tests.experiments.test_replay_records_table import run_records


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A multi-hazard run's records as yingji writes them, its config, stream and region."""
    folder = tmp_path_factory.mktemp("roads")
    cfg, region, records, paths = run_records(folder, ("incidents", "disruptions"))
    inc_seed, _ = replication_seeds(as_root_seed(None, default=cfg.seed), 0)
    stream = draw_incidents(cfg, region, rng=np.random.default_rng(inc_seed))
    return folder, paths, cfg, region, stream, records


def _run_on(stream, cfg, region):
    """Replication 0 of ``cfg`` with ``stream`` as its incidents."""
    import experiments.runner as runner

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "draw_incidents", lambda *a, **k: stream)
        return run_replication(cfg, replication=0, region=region)


def _rows(stream):
    return sorted(
        (d.start, d.end, d.incident, d.disruption.factor, d.disruption.label,
         tuple(int(e) for e in d.disruption.edges))
        for d in stream.disruptions
    )  # fmt: skip


def test_a_run_records_the_roads_its_incidents_met_and_only_when_there_were_some(written):
    _folder, _paths, cfg, region, stream, records = written
    assert stream.disruptions  # the flood closes roads
    table = records.disruptions
    assert tuple(table) == DISRUPTION_COLUMNS
    rows = sorted(
        (s, e, int(i), f, str(lab), tuple(int(x) for x in edges.split()))
        for s, e, i, f, lab, edges in zip(
            table["start_min"], table["end_min"], table["incident"], table["factor"],
            table["label"], table["edges"], strict=True,
        )
    )  # fmt: skip
    assert rows == _rows(stream)
    assert (table["n_edges"] == [len(r.split()) for r in table["edges"]]).all()
    # Without closures there is no such table (a run's files stay as they were).
    res = _run_on(dataclasses.replace(stream, disruptions=()), cfg, region)
    assert res.records.disruptions is None and "disruptions" not in res.records.tables()


def test_the_recorded_roads_replay_with_the_incidents_as_the_run_met_them(written):
    _folder, paths, cfg, region, stream, records = written
    log = read_replay_log(paths["incidents"], region.network, disruptions=paths["disruptions"])
    assert _rows(log.incidents.template) == _rows(stream)
    assert read_replay_log(paths["incidents"], region.network).incidents.template.disruptions == ()
    # With the run's own work on scene, the replayed stream gives the run's arrivals again.
    again = dataclasses.replace(
        log.incidents.stream(rng=np.random.default_rng(0)),
        control_work=stream.control_work, clear_work=stream.clear_work,
    )  # fmt: skip
    res = _run_on(again, cfg, region)
    np.testing.assert_array_equal(
        res.records.incidents["first_arrival"], records.incidents["first_arrival"]
    )


def test_replay_says_which_roads_it_ran_on_and_refuses_a_bad_closure_row(written, tmp_path, capsys):
    folder, paths, *_ = written
    args = ["--lang", "en", "replay", str(paths["incidents"]), "--config",
            str(folder / "run.toml"), "--replications", "2", "--no-plots"]  # fmt: skip
    assert main([*args, "--out", str(tmp_path / "open")]) == 0
    assert "roads open throughout" in capsys.readouterr().out
    assert main([*args, "--out", str(tmp_path / "met"), "--disruptions",
                 str(paths["disruptions"])]) == 0  # fmt: skip
    n = len(written[4].disruptions)
    assert f"{n} road closures and slowdowns replayed with the log" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    text = paths["disruptions"].read_text(encoding="utf-8-sig").splitlines()
    cells = text[1].split(",")
    cells[2] = "99999"  # an incident the log does not have
    bad.write_text("\n".join([text[0], ",".join(cells), *text[2:]]) + "\n", encoding="utf-8")
    assert main([*args, "--out", str(tmp_path / "bad"), "--disruptions", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.csv" in err[0] and "incident" in err[0]
    assert not (tmp_path / "bad").exists()
