"""``[scenario] incidents = "log.csv"``: a run replays a log; a bad row stops it before any work."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.config import RunConfig
from experiments.runner import draw_incidents, replication_seeds, run_config
from networks.errors import ConfigError
from scenarios import generate_stream, load_scenario
from tests.bad_inputs.harness import run_cli, snapshot

NETWORK = '[network]\nsynthetic = "county"\ntownships = 4\nvillages = 16\ngrid = 8\nseed = 3\n'


def write_config(folder: Path, scenario: str, *, name: str = "run.toml", run: str = "") -> Path:
    path = folder / name
    path.write_text(f"{NETWORK}[scenario]\n{scenario}\n[run]\nseed = 5\n{run}", encoding="utf-8")
    return path


def write_log(folder: Path, region, n: int = 4, name: str = "log.csv") -> Path:
    """A small valid log with date-times, lon/lat and no work on scene (drawn)."""
    net = region.network
    nodes = [s.node for s in region.stations][:n]
    with open(folder / name, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["time", "lon", "lat", "hazard", "grade"])
        for i, k in enumerate(nodes):
            w.writerow([f"2024-07-01T08:{10 * i:02d}:00", net.nodes.lon[k], net.nodes.lat[k],
                        "building_fire", ["I", "II", "较大", "一般"][i % 4]])  # fmt: skip
    return folder / name


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    folder = tmp_path_factory.mktemp("r")
    return RunConfig.from_file(write_config(folder, 'name = "typical_week"')).region()


def test_every_replication_replays_the_log_and_draws_its_own_work(tmp_path, region):
    write_log(tmp_path, region)
    cfg = RunConfig.from_file(write_config(tmp_path, 'incidents = "log.csv"'))
    streams = [
        draw_incidents(cfg, cfg.region(), rng=np.random.default_rng(replication_seeds(5, r)[0]))
        for r in range(3)
    ]
    for s in streams:
        np.testing.assert_array_equal(s.time, [0, 10, 20, 30])
        np.testing.assert_array_equal(s.grade, [1, 2, 3, 4])
        np.testing.assert_array_equal(s.node, streams[0].node)
    assert len({tuple(s.control_work) for s in streams}) == 3  # drawn per replication
    # Another policy, same replication: the same incidents and the same drawn work.
    other = RunConfig.from_file(
        write_config(
            tmp_path,
            'incidents = "log.csv"\n[policy]\nname = "nearest_available"',
            name="other.toml",
        )
    )
    again = draw_incidents(
        other, other.region(), rng=np.random.default_rng(replication_seeds(5, 1)[0])
    )
    np.testing.assert_array_equal(again.control_work, streams[1].control_work)


def test_round_trip_through_run_config(tmp_path):
    from networks import synthetic_county

    inc = tmp_path / "inc.csv"
    code, _out, err = run_cli(
        ["scenario", "sample", "rainstorm_72h", "--seed", "1", "-o", str(inc)]
    )
    assert code == 0, err
    path = tmp_path / "county.toml"
    path.write_text('[network]\nsynthetic = "county"\n[scenario]\nincidents = "inc.csv"\n')
    cfg = RunConfig.from_file(path)
    replay = draw_incidents(cfg, cfg.region(), rng=np.random.default_rng(0))
    drawn = generate_stream(
        load_scenario("rainstorm_72h"), synthetic_county(), rng=np.random.default_rng(1)
    )
    np.testing.assert_allclose(replay.time, drawn.time, atol=1e-6)
    for name in ("node", "hazard", "grade"):
        np.testing.assert_array_equal(getattr(replay, name), getattr(drawn, name))
    # The config's plain data reads back to the same config (experiments hash it).
    again = RunConfig.from_dict(cfg.to_dict(), source="x.toml", base_dir=Path("/"))
    assert again.incidents == cfg.incidents


@pytest.mark.parametrize(
    ("scenario", "key"),
    [
        ('start = "2024-07-01T08:00"', "scenario.start"),
        ('incidents = "nowhere.csv"', "scenario.incidents"),
        ('incidents = "log.csv"\nstart = "soon"', "scenario.start"),
        ('incidents = "log.csv"\nmax_snap_m = -1', "scenario.max_snap_m"),
    ],
)
def test_log_keys_are_checked_with_the_config(tmp_path, region, scenario, key):
    write_log(tmp_path, region)
    with pytest.raises(ConfigError, match=f"run.toml: {key}: "):
        RunConfig.from_file(write_config(tmp_path, scenario))


#: A bad cell per kind: column, bad value (row 3 of the file is the second incident).
BAD_CELLS = {
    "hazard": "alien_invasion",
    "grade": "9",
    "time": "next tuesday",
    "lon": "0.0",  # in range, but nowhere near the county: found when placed on the network
}


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    column=st.sampled_from(sorted(BAD_CELLS)),
    row=st.integers(2, 5),
    lang=st.sampled_from(["en", "zh"]),
)
def test_a_bad_row_exits_2_with_one_line_and_writes_nothing(tmp_path, region, column, row, lang):
    folder = tmp_path / f"{column}-{row}-{lang}"
    folder.mkdir()
    log = write_log(folder, region)
    with open(log, newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row - 1][rows[0].index(column)] = BAD_CELLS[column]
    with open(log, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    cfg = write_config(folder, 'incidents = "log.csv"')
    before = snapshot(folder)
    code, out, err = run_cli(["--lang", lang, "run", str(cfg), "--out", str(folder / "out")])
    assert code == 2, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("yingji") and str(log) in lines[0] and column in lines[0]
    if lang == "en":
        assert f"{log}: row {row}, column {column}: " in lines[0], lines[0]
    else:
        assert str(row) in lines[0].removeprefix(str(log)), lines[0]
    assert snapshot(folder) == before  # no out folder, nothing else written


def test_a_bad_log_leaves_an_earlier_run_untouched(tmp_path, region):
    log = write_log(tmp_path, region)
    cfg = write_config(tmp_path, 'incidents = "log.csv"', run="replications = 1\n")
    out = tmp_path / "out"
    code, _o, err = run_cli(["run", str(cfg), "--out", str(out), "--no-plots"])
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"][0]["incidents"] == 4
    log.write_text(log.read_text().replace("building_fire", "meteor_strike", 1))
    before = snapshot(tmp_path)
    code, _o, err = run_cli(["run", str(cfg), "--out", str(out), "--overwrite", "--no-plots"])
    assert code == 2
    assert f"{log}: row 2, column hazard: unknown hazard 'meteor_strike'" in err, err
    assert snapshot(tmp_path) == before


def test_run_config_seed_as_generator_is_drawn_once_and_recorded(tmp_path, region):
    write_log(tmp_path, region)
    cfg = RunConfig.from_file(
        write_config(tmp_path, 'incidents = "log.csv"', run="replications = 2\n")
    )
    gen = np.random.default_rng(99)
    res = run_config(cfg, seed=gen)
    root = res[0].summary["root_seed"]
    assert root == np.random.default_rng(99).integers(0, 2**63 - 1, endpoint=True)
    assert [r.summary["root_seed"] for r in res] == [root, root]

    def same(runs):  # summaries hold NaN where nothing was measured: compare their text
        return [json.dumps(r.summary, sort_keys=True) for r in runs]

    assert same(run_config(cfg, seed=int(root))) == same(res)
    assert same(run_config(cfg, seed=np.random.SeedSequence(int(root)))) == same(res)


def test_a_scenario_file_reads_back_from_plain_data(tmp_path):
    from scenarios.spec import scenario_dir

    (tmp_path / "mine.toml").write_bytes((scenario_dir() / "typical_week.toml").read_bytes())
    cfg = RunConfig.from_file(write_config(tmp_path, 'file = "mine.toml"'))
    data = cfg.to_dict()
    assert data["scenario"] == {"file": str(tmp_path / "mine.toml")}
    assert RunConfig.from_dict(data, source="x.toml", base_dir=Path("/")).scenario == cfg.scenario
