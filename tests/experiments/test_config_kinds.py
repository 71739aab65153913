"""An experiment file given to `run`, or a run config to `experiment`, names the right command."""

from __future__ import annotations

import contextlib
import io

import pytest

from experiments.cli import main
from tests.conftest import REPO

EXAMPLES = REPO / "examples"


def _error(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_run_on_an_experiment_file_says_to_use_experiment_run(tmp_path, lang):
    code, err = _error(["--lang", lang, "run", str(EXAMPLES / "moveup.toml"),
                        "--out", str(tmp_path / "o")])  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "yingji experiment run" in err and "moveup.toml" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_experiment_run_on_a_run_config_says_to_use_run(tmp_path, lang):
    code, err = _error(["--lang", lang, "experiment", "run", str(EXAMPLES / "county.toml"),
                        "--out", str(tmp_path / "o")])  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "yingji run" in err and "base.config" in err
    assert not (tmp_path / "o").exists()


def test_every_shipped_example_is_read_by_its_own_command():
    from experiments.config import RunConfig
    from experiments.spec import ExperimentSpec
    from networks.errors import ConfigError

    for path in sorted(EXAMPLES.glob("*.toml")):
        if path.name == "drill.toml":
            continue
        kinds = []
        for reader in (RunConfig.from_file, ExperimentSpec.from_file):
            try:
                reader(path)
                kinds.append(reader.__self__.__name__)
            except ConfigError as exc:
                assert "yingji" in str(exc), (path.name, str(exc))
        assert len(kinds) == 1, (path.name, kinds)
