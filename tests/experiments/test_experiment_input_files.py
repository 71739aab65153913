"""An experiment is known by its input files' contents and places in the project, not their paths.

An edited scenario file, hazard catalogue, station table or policy module makes
another experiment (a folder of the old one is refused, never mixed); a copy of
the whole project elsewhere is the same experiment and resumes its folder.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from experiments.batch import run_experiment
from experiments.design import ExperimentSpec, config_hash
from experiments.hashing import file_digest, identity_view, project_path
from experiments.manifest import difference
from networks.errors import ConfigError
from tests.experiments.cli_calls import one_line, run

REPO = Path(__file__).resolve().parents[2]

SCENARIO_EXPERIMENT = """name = "scen-file"
replications = {reps}
root_seed = 9
[base.network]
synthetic = "county"
[base.scenario]
file = "dam_break_drill.toml"
[[factors]]
key = "policy.name"
levels = ["nearest_available", "severity_priority"]
"""

SHANGHAI_EXPERIMENT = """name = "sites"
replications = 1
[base]
config = "shanghai/run.toml"
[[factors]]
key = "facilities.stations"
levels = ["shanghai/stations.csv", "shanghai/other.csv"]
"""


def tiny_replicate(config, *, replication: int, root_seed: int) -> SimpleNamespace:
    """A replication that reads nothing: the identity, not the simulation, is under test."""
    summary = {"incidents": float(replication + root_seed % 7)}
    return SimpleNamespace(summary=summary, records=SimpleNamespace(tables=lambda: {}))


def _scenario_project(root: Path, reps: int = 1) -> Path:
    root.mkdir(parents=True)
    for name in ("dam_break_drill.toml", "my_hazards.toml"):
        shutil.copy(REPO / "examples" / "scenarios" / name, root / name)
    exp = root / "exp.toml"
    exp.write_text(SCENARIO_EXPERIMENT.format(reps=reps))
    return exp


def _shanghai_project(root: Path) -> Path:
    shutil.copytree(REPO / "examples" / "shanghai", root / "shanghai")
    shutil.copytree(REPO / "examples" / "data", root / "data")
    shutil.copy(root / "shanghai" / "stations.csv", root / "shanghai" / "other.csv")
    exp = root / "exp.toml"
    exp.write_text(SHANGHAI_EXPERIMENT)
    return exp


def _hashes(exp: Path) -> list[str]:
    return [p.config_hash for p in ExperimentSpec.from_file(exp).points()]


def test_a_copied_project_resumes_its_folder(tmp_path):
    exp = _scenario_project(tmp_path / "a")
    out = tmp_path / "out"
    assert run_experiment(exp, out, replicate=tiny_replicate).ran == 2
    shutil.copytree(tmp_path / "a", tmp_path / "elsewhere" / "b")
    res = run_experiment(tmp_path / "elsewhere" / "b" / "exp.toml", out, replicate=tiny_replicate)
    assert (res.ran, res.skipped) == (0, 2)


@pytest.mark.parametrize("edited", ["dam_break_drill.toml", "my_hazards.toml"])
def test_an_edited_scenario_or_catalogue_is_refused_naming_the_file(tmp_path, capsys, edited):
    exp = _scenario_project(tmp_path / "a")
    out = tmp_path / "out"
    assert run(capsys, "experiment", "run", exp, "--out", out, "--quiet")[0] == 0
    before = _hashes(exp)
    path = tmp_path / "a" / edited
    path.write_text(path.read_text().replace("= 3.0", "= 30.0", 1) + "\n# edited\n")
    exp.write_text(SCENARIO_EXPERIMENT.format(reps=2))  # and extended: nothing may be mixed
    assert all(a != b for a, b in zip(before, _hashes(exp), strict=True))
    with pytest.raises(ConfigError, match=f"input file {edited} changed since those results"):
        run_experiment(exp, out)
    # On the command line: one line, exit status 2, no replication run.
    code, _out, err = run(capsys, "experiment", "run", exp, "--out", out, "--quiet")
    assert code == 2 and f"input file {edited} changed" in one_line(err)
    assert "another --out folder" in err
    assert len(list(out.glob("runs/*/r*.json"))) == 2


def test_files_are_known_relative_to_the_experiment_and_by_contents(tmp_path):
    exp = _shanghai_project(tmp_path / "a")
    spec = ExperimentSpec.from_file(exp)
    points = spec.points()
    # Two station tables of equal contents are still two inputs (their places differ).
    assert points[0].config_hash != points[1].config_hash
    view = identity_view(points[0].config, base_dir=spec.base_dir)
    assert view["facilities"]["stations"] == "shanghai/stations.csv"
    assert view["network"]["file"] == "data/shanghai_center.osm.bz2"
    assert sorted(view["input_files"]) == [
        "data/shanghai_center.osm.bz2", "shanghai/depots.csv", "shanghai/stations.csv",
    ]  # fmt: skip
    assert str(tmp_path) not in json.dumps(view)
    # Elsewhere, the same project is the same experiment; an edited table is not.
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    assert _hashes(tmp_path / "b" / "exp.toml") == [p.config_hash for p in points]
    other = tmp_path / "b" / "shanghai" / "other.csv"
    other.write_text(other.read_text().replace(",fire,6,3,", ",fire,6,4,", 1))
    again = _hashes(tmp_path / "b" / "exp.toml")
    assert again[0] == points[0].config_hash and again[1] != points[1].config_hash


def test_an_edited_policy_module_is_another_experiment(tmp_path):
    name = f"pol_{uuid.uuid4().hex[:12]}"  # a module of its own: imported once per process
    (tmp_path / f"{name}.py").write_text(
        (REPO / "examples" / "policies" / "seat_reserve.py").read_text()
    )
    text = (
        'name = "pol"\n[base.network]\nsynthetic = "county"\n[[factors]]\nkey = "policy"\n'
        f'levels = [{{ name = "nearest_available" }}, {{ name = "{name}:SeatReserve", '
        'area = "County Seat", reserve = 1 }]\n'
    )
    exp = tmp_path / "exp.toml"
    exp.write_text(text)
    spec = ExperimentSpec.from_file(exp)
    assert spec.points()[0].inputs == ()  # a shipped policy reads no file
    assert [p for p, _d in spec.points()[1].inputs] == [f"{name}.py"]
    before = _hashes(exp)
    module = tmp_path / f"{name}.py"
    module.write_text(module.read_text() + "\n# reserve + 3\n")
    after = _hashes(exp)
    assert after[0] == before[0] and after[1] != before[1]


def test_a_config_of_built_in_parts_keeps_the_hash_it_always_had(tmp_path):
    exp = tmp_path / "exp.toml"
    exp.write_text(SCENARIO_EXPERIMENT.format(reps=1).replace('file = "dam_break_drill.toml"',
                                                              'name = "typical_week"'))  # fmt: skip
    for p in ExperimentSpec.from_file(exp).points():
        assert p.inputs == () and p.config_hash == config_hash(p.config.to_dict())


def test_a_file_outside_the_project_is_known_by_its_name(tmp_path):
    assert project_path(tmp_path / "p" / "data" / "x.csv", tmp_path / "p") == "data/x.csv"
    assert project_path(tmp_path / "shared" / "x.csv", tmp_path / "p") == "x.csv"


def test_a_file_is_hashed_again_once_it_changes(tmp_path):
    f = tmp_path / "t.csv"
    f.write_bytes(b"a,b\n1,2\n")
    first = file_digest(f)
    f.write_bytes(b"a,b\n1,3\n")  # same size
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert file_digest(f) != first


def test_a_folder_from_before_input_digests_says_so(tmp_path):
    exp = _scenario_project(tmp_path / "a")
    out = tmp_path / "out"
    run_experiment(exp, out, replicate=tiny_replicate)
    now = json.loads((out / "manifest.json").read_text())
    # As an older yingji wrote it: absolute paths in the hashes, no inputs listed.
    old = {k: v for k, v in now.items() if k != "inputs"}
    old["points"] = [{**p, "config_hash": "0" * 64} for p in now["points"]]
    text = difference(old, now)
    assert text.startswith("no input files recorded there")
    assert text.endswith("dam_break_drill.toml, my_hazards.toml now")
