"""A policy module's helpers are part of the experiment: an edited helper is another experiment.

The policy module named by ``policy.name`` imports code from its own package (or
from beside it); results made with the old helper must not be resumed as if the
new one had made them.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from experiments.batch import run_experiment
from experiments.config import RunConfig
from experiments.design import ExperimentSpec
from experiments.hashing import config_hash, input_files, policy_sources
from experiments.task_inputs import InputShipper
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
    pkg = f"ph_{uuid.uuid4().hex[:10]}"  # a name no other test imports
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


def test_a_module_alone_in_a_folder_brings_only_what_it_imports_from_there(tmp_path):
    tag = uuid.uuid4().hex[:10]
    folder = tmp_path / "project"
    for lib in (f"lib_{tag}", f"unused_{tag}"):
        (folder / lib).mkdir(parents=True)
        (folder / lib / "__init__.py").write_text("")
        (folder / lib / "util.py").write_text("X = 1\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "stale.py").write_text("")
    (folder / "analysis.py").write_text("print('a plot')\n")  # a script beside it, not imported
    # The helper imports a package beside it, inside a function: read, not run, it counts.
    (folder / f"helper_{tag}.py").write_text(
        f'SEAT = "County Seat"\n\ndef later():\n    from lib_{tag} import util\n\n    return util\n'
    )
    _policy(folder / f"pol_{tag}.py", f"from helper_{tag} import SEAT")
    exp = _experiment(folder, f"pol_{tag}:SeatReserve")
    point = ExperimentSpec.from_file(exp).points()[1]
    assert [name for name, _digest in point.inputs] == [
        f"helper_{tag}.py", f"lib_{tag}/__init__.py", f"lib_{tag}/util.py", f"pol_{tag}.py",
    ]  # fmt: skip
    (folder / f"lib_{tag}" / "util.py").write_text("X = 2\n")
    again = ExperimentSpec.from_file(exp).points()[1]
    assert again.config_hash != point.config_hash
    # Scripts and packages it does not import: edited, added or removed, the same experiment.
    (folder / "analysis.py").write_text("print('another plot')\n")
    (folder / "make_log.py").write_text("print('a log')\n")
    (folder / f"unused_{tag}" / "util.py").unlink()
    assert ExperimentSpec.from_file(exp).points()[1].config_hash == again.config_hash
    # What is hashed is what a Dask worker is sent.
    config = again.config
    names = set(InputShipper([config], put=lambda data: data).payload((config,))["files"])
    assert names == {name for name, _digest in again.inputs}


def test_a_module_importing_nothing_beside_it_keeps_the_identity_it_had_before_helpers(tmp_path):
    tag = uuid.uuid4().hex[:10]
    folder = tmp_path / "project"
    (folder / f"lib_{tag}").mkdir(parents=True)
    (folder / f"lib_{tag}" / "__init__.py").write_text("")
    (folder / "analysis.py").write_text("print('analysis')\n")
    (folder / f"pol_{tag}.py").write_text(SEAT)  # imports only yingji's own code
    exp = _experiment(folder, f"pol_{tag}:SeatReserve")
    point = ExperimentSpec.from_file(exp).points()[1]
    assert [key for key, _path in input_files(point.config)] == ["policy.name"]
    # As 91637ba (before helpers were hashed) made it: the config and the module's digest.
    digest = hashlib.sha256((folder / f"pol_{tag}.py").read_bytes()).hexdigest()
    view = {**point.config.to_dict(), "input_files": {f"pol_{tag}.py": digest}}
    assert point.config_hash == config_hash(view)


def test_a_package_module_brings_its_package_and_what_it_imports_beside_it(tmp_path):
    pkg = _package(tmp_path / "project")
    (tmp_path / "project" / pkg / "unused.py").write_text("Y = 1\n")  # a package is whole
    tag = uuid.uuid4().hex[:10]
    (tmp_path / "project" / f"tuning_{tag}.py").write_text("K = 1\n")
    (tmp_path / "project" / "analysis.py").write_text("print('analysis')\n")
    seat = tmp_path / "project" / pkg / "seat.py"
    seat.write_text(seat.read_text().replace(IMPORTS, f"{IMPORTS}import tuning_{tag}\n"))
    exp = _experiment(tmp_path / "project", f"{pkg}.seat:SeatReserve")
    names = [name for name, _digest in ExperimentSpec.from_file(exp).points()[1].inputs]
    assert names == sorted(
        [f"{pkg}/__init__.py", f"{pkg}/helper.py", f"{pkg}/seat.py", f"{pkg}/unused.py",
         f"tuning_{tag}.py"]
    )  # fmt: skip


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
    assert [key for key, _path in input_files(config)] == ["policy.name"]  # as before
