"""A policy module's helpers are part of the experiment: an edited helper is another experiment.

The policy module named by ``policy.name`` imports code from its own package (or
from beside it); results made with the old helper must not be resumed as if the
new one had made them.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from experiments.batch import run_experiment
from experiments.config import RunConfig
from experiments.design import ExperimentSpec
from experiments.hashing import policy_sources
from networks.errors import ConfigError
from tests.conftest import REPO

SEAT = (REPO / "examples" / "policies" / "seat_reserve.py").read_text(encoding="utf-8")
IMPORTS = "from sim.policies import Candidate, DispatchView\n"


def tiny_replicate(config, *, replication: int, root_seed: int) -> SimpleNamespace:
    """A replication that reads nothing: the identity, not the simulation, is under test."""
    summary = {"incidents": float(replication + root_seed % 7)}
    return SimpleNamespace(summary=summary, records=SimpleNamespace(tables=lambda: {}))


def _policy(module: Path, helper_import: str) -> None:
    """The example policy, its default area read from a helper module."""
    text = SEAT.replace(IMPORTS, f"{IMPORTS}{helper_import}\n")
    module.write_text(text.replace('area: str = "County Seat"', "area: str = SEAT"))


def _experiment(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    exp = folder / "exp.toml"
    exp.write_text(
        'name = "helpers"\n[base.network]\nsynthetic = "county"\n[[factors]]\nkey = "policy"\n'
        f'levels = [{{ name = "nearest_available" }}, {{ name = "{name}", reserve = 1 }}]\n'
    )
    return exp


def _package(folder: Path) -> str:
    """A policy package ``pkg/seat.py`` importing ``pkg/helper.py``; returns ``pkg``."""
    pkg = f"ph_{uuid.uuid4().hex[:10]}"  # imported once per process: a name of its own
    (folder / pkg).mkdir(parents=True)
    (folder / pkg / "__init__.py").write_text("")
    (folder / pkg / "helper.py").write_text('SEAT = "County Seat"\n')
    _policy(folder / pkg / "seat.py", f"from {pkg}.helper import SEAT")
    return pkg


def test_an_edited_helper_of_the_policy_package_is_refused_on_resume(tmp_path):
    pkg = _package(tmp_path / "project")
    exp = _experiment(tmp_path / "project", f"{pkg}.seat:SeatReserve")
    out = tmp_path / "out"
    assert run_experiment(exp, out, replicate=tiny_replicate).ran == 2
    assert run_experiment(exp, out, replicate=tiny_replicate).skipped == 2  # unchanged: resumed
    helper = tmp_path / "project" / pkg / "helper.py"
    helper.write_text(helper.read_text() + "RESERVE = 3  # edited\n")
    with pytest.raises(ConfigError, match=f"input file {pkg}/helper.py changed since those"):
        run_experiment(exp, out, replicate=tiny_replicate)
    assert len(list(out.glob("runs/*/r*.json"))) == 2  # nothing mixed in


def test_a_module_beside_its_helper_brings_that_folder_and_its_packages(tmp_path):
    tag = uuid.uuid4().hex[:10]
    folder = tmp_path / "project"
    (folder / f"lib_{tag}").mkdir(parents=True)
    (folder / f"lib_{tag}" / "__init__.py").write_text("")
    (folder / f"lib_{tag}" / "util.py").write_text("X = 1\n")
    (folder / "scripts").mkdir()  # not a package: nothing the module could import from it
    (folder / "scripts" / "plot.py").write_text("print('a plot')\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "stale.py").write_text("")
    (folder / f"helper_{tag}.py").write_text('SEAT = "County Seat"\n')
    _policy(folder / f"pol_{tag}.py", f"from helper_{tag} import SEAT")
    exp = _experiment(folder, f"pol_{tag}:SeatReserve")
    point = ExperimentSpec.from_file(exp).points()[1]
    assert [name for name, _digest in point.inputs] == [
        f"helper_{tag}.py", f"lib_{tag}/__init__.py", f"lib_{tag}/util.py", f"pol_{tag}.py",
    ]  # fmt: skip
    (folder / f"lib_{tag}" / "util.py").write_text("X = 2\n")
    again = ExperimentSpec.from_file(exp).points()[1]
    assert again.config_hash != point.config_hash
    (folder / "scripts" / "plot.py").write_text("print('another plot')\n")
    assert ExperimentSpec.from_file(exp).points()[1].config_hash == again.config_hash


def test_a_package_outside_the_project_is_known_below_its_import_root(tmp_path, monkeypatch):
    pkg = _package(tmp_path / "shared")
    monkeypatch.syspath_prepend(str(tmp_path / "shared"))
    exp = _experiment(tmp_path / "project", f"{pkg}.seat:SeatReserve")
    points = ExperimentSpec.from_file(exp).points()
    assert [name for name, _digest in points[1].inputs] == sorted(
        ["seat.py", f"{pkg}/__init__.py", f"{pkg}/helper.py"]
    )  # the module by its name, as before; its helpers below the folder on the path
    assert points[0].inputs == ()


def test_installed_code_and_yingji_s_own_bring_no_helpers(tmp_path):
    toml = tmp_path / "run.toml"
    toml.write_text(
        '[network]\nsynthetic = "county"\n[policy]\nname = "sim.policies:NearestAvailable"\n'
    )
    config = RunConfig.from_file(toml)
    assert policy_sources(config) == []
    from experiments.hashing import input_files

    assert [key for key, _path in input_files(config)] == ["policy.name"]  # as before
