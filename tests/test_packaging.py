"""Packaging: one version, typed packages, declared dependencies, CAP times."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from importlib import metadata

import pytest

import networks
from experiments.cli import main
from experiments.drill import packets
from experiments.drill.alarm import _cap_time
from networks import i18n
from tests.conftest import REPO
from tests.scenarios.test_drill_draw import draws, make_drawer

PACKAGES = ("networks", "scenarios", "sim", "experiments")
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


# ---------------------------------------------------------------- one version
def test_version_flag_dunder_and_metadata_agree(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out.strip()
    installed = metadata.version("yingji")
    assert out == f"yingji {networks.__version__}" == f"yingji {installed}"
    assert installed == PYPROJECT["project"]["version"], "reinstall: pip install -e ."


def test_version_flag_of_the_installed_script():
    # The entry point a user runs, in a fresh interpreter.
    res = subprocess.run(
        [sys.executable, "-c", "import sys; from experiments.cli import main; "
         "sys.exit(main(['--version']))"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"yingji {metadata.version('yingji')}"


def test_the_version_is_written_once():
    assert "version" not in PYPROJECT["project"].get("dynamic", [])
    assert re.fullmatch(r"\d+\.\d+\.\d+", PYPROJECT["project"]["version"])
    # No module spells a version number of its own.
    pattern = re.compile(r"""^__version__\s*=\s*["']""", re.MULTILINE)
    for pkg in PACKAGES:
        for path in (REPO / pkg).rglob("*.py"):
            assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_manifests_record_the_installed_version():
    from experiments.drill.folder import yingji_version
    from experiments.hashing import package_version

    assert package_version() == yingji_version() == networks.__version__


# ---------------------------------------------------------------- py.typed
@pytest.mark.parametrize("pkg", PACKAGES)
def test_every_package_is_marked_typed(pkg):
    assert (REPO / pkg / "py.typed").is_file()


def test_py_typed_is_declared_as_package_data():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for pkg in PACKAGES:
        assert "py.typed" in data.get(pkg, []) + data.get("*", []), pkg
    listed = PYPROJECT["tool"]["setuptools"]["packages"]
    assert all(pkg in listed for pkg in PACKAGES)


def test_the_installed_distribution_lists_py_typed():
    files = {str(f) for f in metadata.distribution("yingji").files or ()}
    if not any(f.endswith(".py") and f.startswith(PACKAGES) for f in files):
        pytest.skip("editable install: the package files are not in its RECORD")
    for pkg in PACKAGES:
        assert f"{pkg}/py.typed" in files


# ---------------------------------------------------------------- dependencies
def _requirement_name(req: str) -> tuple[str, set[str]]:
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", req)
    assert m, req
    extras = {e.strip() for e in (m.group(2) or "").split(",") if e.strip()}
    return _normalise(m.group(1)), extras


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    """Distributions declared as dependencies or in an extra, and what their extras pull in."""
    project = PYPROJECT["project"]
    reqs = list(project["dependencies"])
    for group in project.get("optional-dependencies", {}).values():
        reqs += group
    names: set[str] = set()
    for req in reqs:
        name, extras = _requirement_name(req)
        names.add(name)
        for sub in metadata.requires(name) or () if extras else ():
            marker = re.search(r"""extra\s*==\s*["']([^"']+)["']""", sub)
            if marker and marker.group(1) in extras:
                names.add(_requirement_name(sub)[0])
    return names - {"yingji"}


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level third-party module names imported anywhere in the packages -> files."""
    found: dict[str, set[str]] = {}
    for pkg in PACKAGES:
        for path in (REPO / pkg).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    mods = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    mods = [node.module]
                else:
                    continue
                for mod in mods:
                    top = mod.split(".")[0]
                    if top in sys.stdlib_module_names or top in PACKAGES or top == "__future__":
                        continue
                    found.setdefault(top, set()).add(str(path.relative_to(REPO)))
    return found


def test_every_third_party_import_is_a_declared_dependency():
    declared = _declared()
    distributions = metadata.packages_distributions()
    missing = {}
    for top, files in sorted(_third_party_imports().items()):
        dists = {_normalise(d) for d in distributions.get(top, [top])}
        if not dists & declared:
            missing[top] = sorted(files)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_the_import_scan_sees_known_imports():
    found = _third_party_imports()
    assert {"numpy", "scipy", "simpy", "shapely", "pyproj", "docx"} <= set(found)


def test_minimum_versions_cover_what_the_code_uses():
    deps = {_requirement_name(r)[0]: r for r in PYPROJECT["project"]["dependencies"]}
    # qmc.LatinHypercube(rng=...) is scipy 1.15; numpy 2 needs these floors to import.
    for name, floor in {"scipy": (1, 15), "shapely": (2, 0, 4), "matplotlib": (3, 8, 4)}.items():
        m = re.search(r">=\s*([\d.]+)", deps[name])
        assert m and tuple(int(x) for x in m.group(1).split(".")) >= floor, deps[name]
    assert "shapely" in deps and "pyproj" in deps


# ---------------------------------------------------------------- CAP times
@pytest.mark.parametrize(
    ("iso", "cap"),
    [
        ("2026-12-01T08:00:00+00:00", "2026-12-01T08:00:00-00:00"),
        ("2026-12-01T08:00:00Z", "2026-12-01T08:00:00-00:00"),
        ("2026-12-01T08:00:00.250+00:00", "2026-12-01T08:00:00-00:00"),
        ("2026-12-01T08:00:00+08:00", "2026-12-01T08:00:00+08:00"),
        ("2026-12-01T08:00:00-05:30", "2026-12-01T08:00:00-05:30"),
        ("2026-12-01T08:00:00+08:05:43", "2026-11-30T23:54:17-00:00"),
    ],
)
def test_cap_times_write_utc_as_minus_zero(iso, cap):
    assert _cap_time(iso) == cap


def test_a_cap_time_without_offset_is_refused():
    with pytest.raises(ValueError, match="offset"):
        _cap_time("2026-12-01T08:00:00")


def test_cap_alert_of_a_drill_in_utc_says_minus_zero(county):
    drawer = make_drawer(
        county, timezone="UTC", start="2026-12-01T08:00:00", end="2026-12-02T08:00:00"
    )
    (script,) = draws(drawer, 1)
    assert script.alarm.sent.endswith("+00:00")  # the script's own ISO 8601 form
    for lang in ("en", "zh"):
        with i18n.language(lang):
            data = packets.cap_alert(script)
        text = data.decode("utf-8")
        assert "+00:00" not in text and not re.search(r"\d\dZ<", text)
        sent = ET.fromstring(data).find(f"{CAP}sent").text
        assert sent == script.alarm.sent[:19] + "-00:00"


def test_the_changelog_has_an_entry_for_this_version():
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{PYPROJECT['project']['version']}]" in text
