"""What the wheel and the sdist hold, and what their metadata declares.

The editable install of the test environment reads the source folders, so a file the wheel
would leave out, or carry by mistake, shows only in the build configuration checked here.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib

import pytest

from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
SETUP = PYPROJECT["tool"]["setuptools"]
#: Developer tooling that runs from a clone only (it rewrites README.md and docs/).
DEV_ONLY_PACKAGES = {"experiments.docsgen"}


def _floor(requirement: str) -> tuple[int, ...]:
    m = re.search(r">=\s*([\d.]+)", requirement)
    assert m, requirement
    return tuple(int(x) for x in m.group(1).split("."))


def _requirements(reqs: list[str]) -> dict[str, str]:
    return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower(): r for r in reqs}


# ------------------------------------------------------------------ packages
def test_every_examples_folder_is_a_listed_package():
    # An unlisted folder ships today only through a glob setuptools warns about
    # ("Package would be ignored"); a stricter setuptools would drop it, data and all.
    setuptools = pytest.importorskip("setuptools")
    found = {
        f"yingji_examples.{p}"
        for p in setuptools.find_namespace_packages(where=str(REPO / "examples"))
    }
    assert "yingji_examples.data" in found  # the OpenStreetMap extract and its notice
    assert found <= set(SETUP["packages"]), sorted(found - set(SETUP["packages"]))


def test_the_docs_regenerator_stays_out_of_the_wheel():
    setuptools = pytest.importorskip("setuptools")
    found = set(
        setuptools.find_namespace_packages(
            where=str(REPO), include=["networks*", "scenarios*", "sim*", "experiments*"]
        )
    )
    assert DEV_ONLY_PACKAGES <= found, "the regenerator moved: update DEV_ONLY_PACKAGES"
    listed = set(SETUP["packages"])
    assert not listed & DEV_ONLY_PACKAGES
    assert found - DEV_ONLY_PACKAGES <= listed, sorted(found - DEV_ONLY_PACKAGES - listed)
    # No shipped module imports it but its entry point, experiments/docs_numbers.py, which
    # is a module of the experiments package and still ships (it runs from a clone only).
    shipped = [
        path
        for pkg in listed - {"yingji_examples"}
        if not pkg.startswith("yingji_examples.")
        for path in (REPO / pkg.replace(".", "/")).glob("*.py")
        if path.name != "docs_numbers.py"
    ]
    assert shipped
    users = [p for p in shipped if "docsgen" in p.read_text(encoding="utf-8")]
    assert users == []


def _matches(patterns: list[str], rel: str) -> bool:
    return any(fnmatch.fnmatch(rel, pat) for pat in patterns)


@pytest.mark.parametrize(
    ("package", "file"),
    [
        ("networks.locale.zh_CN.LC_MESSAGES", "yingji.po"),
        ("networks.locale", "babel.cfg"),
        ("networks.locale", "README.md"),
    ],
)
def test_translators_sources_are_not_wheel_data(package, file):
    folder = REPO / package.replace(".", "/")
    assert (folder / file).is_file()
    # Not asked for by package-data of networks (paths relative to networks/) ...
    rel = (folder / file).relative_to(REPO / "networks").as_posix()
    included = SETUP["package-data"].get("networks", []) + SETUP["package-data"].get("*", [])
    assert not _matches(included, rel)
    # ... and excluded where include-package-data would bring them in from the sdist.
    excluded = SETUP.get("exclude-package-data", {}).get(package, [])
    assert _matches(excluded, file)


def test_the_compiled_catalogue_is_still_wheel_data():
    mo = REPO / "networks/locale/zh_CN/LC_MESSAGES/yingji.mo"
    rel = mo.relative_to(REPO / "networks").as_posix()
    assert _matches(SETUP["package-data"]["networks"], rel)
    excluded = SETUP.get("exclude-package-data", {}).get("networks.locale.zh_CN.LC_MESSAGES", [])
    assert not _matches(excluded, mo.name)


# ------------------------------------------------------------------ sdist
def _sdist_template(default: list[str], monkeypatch) -> list[str]:
    """The sdist's file list: setuptools' ``default`` files with MANIFEST.in applied."""
    egg_info = pytest.importorskip("setuptools.command.egg_info")
    monkeypatch.chdir(REPO)  # MANIFEST.in patterns are relative to the project
    files = egg_info.FileList()
    files.files = list(default)
    for line in (REPO / "MANIFEST.in").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            files.process_template_line(line)
    return files.files


def test_the_sdist_carries_no_half_test_suite(monkeypatch):
    # setuptools adds tests/test*.py by default, without conftest.py or the sub-folders.
    tops = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "tests").glob("test*.py"))
    assert tops
    files = _sdist_template([*tops, "networks/i18n.py"], monkeypatch)
    assert [f for f in files if f.startswith("tests/")] == []
    assert "networks/i18n.py" in files


def test_the_sdist_keeps_the_translators_sources(monkeypatch):
    files = _sdist_template([], monkeypatch)
    assert "networks/locale/zh_CN/LC_MESSAGES/yingji.po" in files
    assert "networks/locale/babel.cfg" in files


# ------------------------------------------------------------------ metadata
def test_the_licence_covers_the_shipped_openstreetmap_data():
    notice = REPO / "examples" / "data" / "README.md"
    assert "ODbL" in notice.read_text(encoding="utf-8")
    assert list((REPO / "examples" / "data").glob("*.osm*"))  # the data it covers ships
    terms = set(re.split(r"\s+(?:AND|OR|WITH)\s+", PROJECT["license"]))
    assert {"MIT", "ODbL-1.0"} <= terms
    assert "examples/data/README.md" in PROJECT["license-files"]
    assert all((REPO / f).is_file() for f in PROJECT["license-files"])


def test_scipy_floor_skips_the_slow_highs_milp():
    # scipy 1.15.0-1.15.2 solve the depot siting's supply-chain model ~300x slower.
    deps = _requirements(PROJECT["dependencies"])
    assert _floor(deps["scipy"]) >= (1, 15, 3)


def test_extras_do_not_contradict_the_core_requirements():
    core = _requirements(PROJECT["dependencies"])
    assert "pandas" in core  # imported directly, not only through geopandas
    for name, group in PROJECT["optional-dependencies"].items():
        for dist, req in _requirements(group).items():
            if dist in core:
                assert _floor(req) >= _floor(core[dist]), (name, req, core[dist])


def test_classifiers_name_the_supported_pythons_and_languages():
    classifiers = PROJECT["classifiers"]
    floor = _floor(PROJECT["requires-python"])
    versions = sorted(
        tuple(int(x) for x in c.rsplit(":: ", 1)[1].split("."))
        for c in classifiers
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    )
    assert versions and versions[0] == floor
    assert "Natural Language :: Chinese (Simplified)" in classifiers
    # PEP 639: the licence is the expression; a licence classifier would contradict it.
    assert not [c for c in classifiers if c.startswith("License ::")]


def test_the_docs_generator_without_its_package_says_to_run_it_in_a_clone():
    """The wheel leaves experiments.docsgen out: its front end stops with one line, no traceback."""
    import subprocess
    import sys

    code = "import sys; sys.modules['experiments.docsgen'] = None; import experiments.docs_numbers"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "experiments.docs_numbers regenerates the repository's docs: run it in a clone"
    )
