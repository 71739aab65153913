"""A policy module runs the code its files hold now, whatever a process imported before.

A process keeps what it imported (``sys.modules``). A long-lived Dask worker gets each
run's policy package in a new folder, and two projects on one cluster may both call
theirs ``policies``; a user may edit a helper between two runs of one Python session.
In each case the module (with its package and the helpers it brought) is imported
again; unchanged, it is kept.
"""

from __future__ import annotations

import shutil
import sys
import uuid
from pathlib import Path

import pytest

from experiments.batch import run_experiment
from networks.errors import ConfigError
from sim.policy_import import import_object
from tests.conftest import REPO

SEAT = (REPO / "examples" / "policies" / "seat_reserve.py").read_text(encoding="utf-8")


def _package(folder: Path, name: str, value: int) -> str:
    """``name/mod.py`` whose ``f`` returns ``name/helper.py``'s ``V``; its import path."""
    (folder / name).mkdir(parents=True)
    (folder / name / "__init__.py").write_text("")
    (folder / name / "helper.py").write_text(f"V = {value}\n")
    (folder / name / "mod.py").write_text(
        f"from {name} import helper\n\ndef f():\n    return helper.V\n"
    )
    return f"{name}.mod:f"


def test_the_search_folder_s_module_is_used_not_one_of_its_name_imported_before(tmp_path):
    name = f"rl_{uuid.uuid4().hex[:10]}"
    path = _package(tmp_path / "a", name, 1)
    _package(tmp_path / "b", name, 2)  # another project's package of the same name
    assert import_object(path, search_path=tmp_path / "a")() == 1
    assert import_object(path, search_path=tmp_path / "b")() == 2
    assert Path(sys.modules[f"{name}.helper"].__file__).parent == tmp_path / "b" / name
    assert import_object(path, search_path=tmp_path / "a")() == 1


def test_an_edited_helper_is_read_again_and_unchanged_code_is_kept(tmp_path):
    name = f"rl_{uuid.uuid4().hex[:10]}"
    path = _package(tmp_path, name, 1)
    first = import_object(path, search_path=tmp_path)
    assert first() == 1
    assert import_object(path, search_path=tmp_path) is first  # nothing changed: not imported
    (tmp_path / name / "helper.py").write_text("V = 22  # edited\n")
    assert import_object(path, search_path=tmp_path)() == 22


def test_a_single_file_module_s_helper_beside_it_is_read_again(tmp_path):
    tag = uuid.uuid4().hex[:10]
    (tmp_path / f"hlp_{tag}.py").write_text("V = 1\n")
    (tmp_path / f"pol_{tag}.py").write_text(
        f"import hlp_{tag}\n\ndef f():\n    return hlp_{tag}.V\n"
    )
    assert import_object(f"pol_{tag}:f", search_path=tmp_path)() == 1
    (tmp_path / f"hlp_{tag}.py").write_text("V = 333\n")
    assert import_object(f"pol_{tag}:f", search_path=tmp_path)() == 333


def test_a_helper_imported_by_a_module_that_failed_is_read_again_once_both_are_fixed(tmp_path):
    tag = uuid.uuid4().hex[:10]
    (tmp_path / f"hlp_{tag}.py").write_text("V = 1\n")
    module = tmp_path / f"pol_{tag}.py"
    module.write_text(f"import hlp_{tag}\n\nraise RuntimeError('not yet')\n")
    with pytest.raises(ConfigError, match="not yet"):
        import_object(f"pol_{tag}:f", search_path=tmp_path)
    (tmp_path / f"hlp_{tag}.py").write_text("V = 4444\n")
    module.write_text(f"import hlp_{tag}\n\ndef f():\n    return hlp_{tag}.V\n")
    assert import_object(f"pol_{tag}:f", search_path=tmp_path)() == 4444


def test_yingji_s_own_modules_are_never_imported_again(tmp_path):
    from sim.policies import NearestAvailable

    (tmp_path / "sim").mkdir()  # a folder that happens to hold a ``sim`` of its own
    (tmp_path / "sim" / "__init__.py").write_text("")
    (tmp_path / "sim" / "policies.py").write_text("NearestAvailable = None\n")
    found = import_object("sim.policies:NearestAvailable", search_path=tmp_path)
    assert found is NearestAvailable


EXPERIMENT = """name = "session"
replications = 1
root_seed = 3
[base.network]
synthetic = "county"
[base.scenario]
name = "typical_week"
[base.run]
horizon_min = 2880
[[factors]]
key = "policy"
levels = [{{ name = "{pkg}.seat:SeatReserve", reserve = 1 }}]
"""


def _project(folder: Path, pkg: str, stays: bool) -> Path:
    """The example policy as package ``pkg``; a helper says whether the seat sends any team."""
    (folder / pkg).mkdir(parents=True)
    (folder / pkg / "__init__.py").write_text("")
    (folder / pkg / "tuning.py").write_text(f"SEAT_STAYS = {stays}\n")
    imports = "from sim.policies import Candidate, DispatchView\n"
    keep = "keep = min(self.reserve, view.teams_in_area(team) - 1)"
    assert imports in SEAT and keep in SEAT
    seat = SEAT.replace(imports, f"{imports}\nfrom {pkg} import tuning\n")
    stay = "keep = view.teams_in_area(team) if tuning.SEAT_STAYS else "  # below grade II: never
    (folder / pkg / "seat.py").write_text(seat.replace(keep, stay + keep[len("keep = ") :]))
    (folder / "exp.toml").write_text(EXPERIMENT.format(pkg=pkg))
    return folder / "exp.toml"


def _metrics(table):
    return table.drop(columns=["policy", "config_hash"]).reset_index(drop=True)


def test_a_policy_edited_between_two_experiments_of_one_session_runs_as_edited(tmp_path):
    pkg = f"rl_{uuid.uuid4().hex[:10]}"
    exp = _project(tmp_path / "p", pkg, stays=False)
    before = run_experiment(exp, None, progress=False).table
    (tmp_path / "p" / pkg / "tuning.py").write_text("SEAT_STAYS = True  # edited\n")
    after = run_experiment(exp, None, progress=False).table
    # The edited code under a name never imported in this process: what a new session runs.
    fresh = f"rl_{uuid.uuid4().hex[:10]}"
    shutil.copytree(tmp_path / "p" / pkg, tmp_path / "q" / fresh)
    seat = tmp_path / "q" / fresh / "seat.py"
    seat.write_text(seat.read_text().replace(f"from {pkg} import", f"from {fresh} import"))
    (tmp_path / "q" / "exp.toml").write_text(EXPERIMENT.format(pkg=fresh))
    expected = run_experiment(tmp_path / "q" / "exp.toml", None, progress=False).table
    assert not _metrics(expected).equals(_metrics(before))  # the edit changes the runs
    assert _metrics(after).equals(_metrics(expected))
