"""A resume refused because an input file is read now and was not then (or the reverse) names it.

Adding a module to a policy package, or deleting one, makes another
experiment; the refusal names the file rather than a config hash.
"""

from __future__ import annotations

import pytest

from experiments.batch import run_experiment
from networks.errors import ConfigError
from tests.experiments.test_policy_helpers_hash import _experiment, _package, tiny_replicate


@pytest.mark.parametrize("change", ["added", "removed"])
def test_a_package_file_added_or_removed_is_named(tmp_path, change):
    project = tmp_path / "project"
    pkg = _package(project)
    if change == "removed":
        (project / pkg / "unused.py").write_text("X = 1\n")
    exp = _experiment(project, f"{pkg}.seat:SeatReserve")
    out = tmp_path / "out"
    assert run_experiment(exp, out, replicate=tiny_replicate).ran == 2
    if change == "added":
        (project / pkg / "unused.py").write_text("X = 1\n")
        want = f"input file {pkg}/unused.py is read now but was not by those results"
    else:
        (project / pkg / "unused.py").unlink()
        want = f"input file {pkg}/unused.py was read by those results but is not now"
    with pytest.raises(ConfigError, match=want):
        run_experiment(exp, out, replicate=tiny_replicate)
    assert len(list(out.glob("runs/*/r*.json"))) == 2  # nothing mixed in
