"""``yingji examples DIR``: the examples ship with the install and work from any folder."""

from __future__ import annotations

import glob
import json
import shutil
import subprocess
import tomllib

import pytest

from experiments.cli import main
from experiments.examples import example_files
from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
#: The one file under examples/ that is deliberately not an example: the package marker.
NOT_EXAMPLES = {"__init__.py"}


def tracked_examples() -> set[str]:
    """Files under examples/ that git tracks or would (untracked, not ignored)."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    res = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "examples"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    # --cached still lists a file deleted from the working tree but not yet from git.
    names = {line.removeprefix("examples/") for line in res.stdout.splitlines()}
    return {n for n in names if (REPO / "examples" / n).is_file()}


def snapshot(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ------------------------------------------------------------------ packaging
def test_every_example_file_is_declared_as_package_data():
    # Under an editable install the examples are read from the source folder, so a
    # file the wheel would leave out shows only here (or after pip install .).
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    patterns = data["yingji_examples"] + data.get("*", [])
    root = REPO / "examples"
    matched = {m for pat in patterns for m in glob.glob(pat, root_dir=root, recursive=True)}
    missing = sorted(tracked_examples() - NOT_EXAMPLES - matched)
    assert not missing, f"add to [tool.setuptools.package-data] yingji_examples: {missing}"


def test_the_package_list_holds_every_package_find_would():
    setuptools = pytest.importorskip("setuptools")
    found = set(
        setuptools.find_namespace_packages(
            where=str(REPO), include=["networks*", "scenarios*", "sim*", "experiments*"]
        )
    )
    examples = setuptools.find_namespace_packages(where=str(REPO / "examples"))
    found |= {"yingji_examples", *(f"yingji_examples.{p}" for p in examples)}
    # The README/docs regenerator runs from a clone only: kept out of the wheel on purpose.
    found -= {"experiments.docsgen"}
    setup = PYPROJECT["tool"]["setuptools"]
    missing = sorted(found - set(setup["packages"]))
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
    assert set(setup["packages"]) == found
    assert setup["package-dir"]["yingji_examples"] == "examples"


# ------------------------------------------------------------------ copying
def test_examples_copies_every_tracked_example_file_byte_for_byte(tmp_path, capsys):
    dest = tmp_path / "ex"
    assert main(["examples", str(dest)]) == 0
    expected = tracked_examples() - NOT_EXAMPLES
    copied = snapshot(dest)
    assert set(copied) - {".yingji-output"} == expected
    assert set(example_files()) == expected
    for name in expected:
        assert copied[name] == (REPO / "examples" / name).read_bytes(), name
    # The ODbL notice travels with the OpenStreetMap extract.
    assert "ODbL" in copied["data/README.md"].decode("utf-8")
    out = capsys.readouterr().out
    assert f"copied {len(expected)} example files to {dest}/" in out
    assert f"next: yingji run {dest.as_posix()}/county.toml" in out
    assert not [n for n in copied if "__pycache__" in n or n.endswith(".pyc")]


def test_a_copied_config_finds_its_files_from_another_folder(tmp_path, monkeypatch):
    assert main(["examples", str(tmp_path / "ex")]) == 0
    here = tmp_path / "work" / "deeper"  # ../data here is not the examples' data folder
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    args = ["--replications", "1", "--no-plots", "--out", "sh", "--quiet"]
    assert main(["run", "../../ex/shanghai/run.toml", *args]) == 0
    summary = json.loads((here / "sh" / "summary.json").read_text())
    used = (here / summary["config"]["network"]["file"]).resolve()
    assert used == tmp_path / "ex" / "data" / "shanghai_center.osm.bz2"
    assert summary["replications"][0]["incidents"] > 0
    # A scenario file names its own hazard catalogue, relative to itself.
    scenario = "../../ex/scenarios/dam_break_drill.toml"
    assert main(["scenario", "sample", scenario, "--seed", "1", "-o", "inc.csv"]) == 0
    assert "dam_break" in (here / "inc.csv").read_text()


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_folder_with_other_files_is_refused_and_left_alone(tmp_path, capsys, overwrite):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("my notes\n")
    (dest / "county.toml").write_text("# my own county\n")
    before, around = snapshot(tmp_path), sorted(p.name for p in tmp_path.iterdir())
    status = main(["examples", str(dest), *(["--overwrite"] if overwrite else [])])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("yingji: error: ") and str(dest) in err
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == around  # no staging folder left


def test_an_earlier_copy_is_replaced_whole_only_with_overwrite(tmp_path, capsys):
    dest = tmp_path / "ex"
    assert main(["examples", str(dest)]) == 0
    original = snapshot(dest)
    (dest / "county.toml").write_text("# edited\n")
    (dest / "city.toml").unlink()
    edited = snapshot(dest)
    capsys.readouterr()
    assert main(["examples", str(dest)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert snapshot(dest) == edited
    assert main(["examples", str(dest), "--overwrite"]) == 0
    assert snapshot(dest) == original
