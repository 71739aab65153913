"""The experiment file shown in docs/experiments.md plans as written (CONVENTIONS §10)."""

from __future__ import annotations

import re
import tomllib

from experiments.cli import main
from experiments.design import ExperimentSpec
from networks.i18n import _, language
from tests.conftest import REPO

DOC = REPO / "docs" / "experiments.md"


def doc_experiment() -> str:
    """The first TOML block of the page's section on the experiment file."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## The experiment file") :]
    return re.search(r"```toml\n(.*?)```", section, re.S).group(1)


def test_the_docs_experiment_file_plans_as_written(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(doc_experiment(), encoding="utf-8")
    with language("en"):
        assert main(["experiment", "plan", str(path)]) == 0
        marked = _("(baseline)")
    out = capsys.readouterr().out
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    # Hypercube keys belong to the experiment, not to a factor's table.
    assert "lhs_samples" in data and not any("lhs_samples" in f for f in data["factors"])
    points = ExperimentSpec.from_file(path).points()
    sampled = {f["key"] for f in data["factors"] if "lhs" in f}
    grid = {tuple(v for k, v in p.values if k not in sampled) for p in points}
    lines = [line for line in out.splitlines() if re.match(r"p\d{3}  ", line)]
    assert len(lines) == len(points) == len(grid) * data["lhs_samples"] > data["lhs_samples"]
    # The example's baseline names exactly one design point.
    assert [line.split()[0] for line in lines if line.endswith(marked)] == [data["baseline"]]


def test_every_factor_of_the_docs_example_reaches_the_design(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text(doc_experiment(), encoding="utf-8")
    spec = ExperimentSpec.from_file(path)
    points = spec.points()
    for factor in tomllib.loads(doc_experiment())["factors"]:
        seen = {dict(p.values)[factor["key"]] for p in points}
        assert len(seen) > 1, factor["key"]
