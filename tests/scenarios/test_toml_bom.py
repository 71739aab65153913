"""TOML files saved by Windows Notepad: a leading UTF-8 byte-order mark is dropped.

Every TOML file yingji reads from a user (run configs, scenarios, catalogues,
experiments, drills) goes through :func:`scenarios.validate.read_toml`.
"""

from __future__ import annotations

import pytest

from experiments.cli import main
from experiments.config import RunConfig
from networks import ConfigError
from scenarios.validate import read_toml

BOM = b"\xef\xbb\xbf"
RUN = 'name = "small"\n[network]\nsynthetic = "county"\n[scenario]\nname = "typical_week"\n'


def test_a_leading_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(BOM + 'name = "县应急管理局"\n[run]\nseed = 1\n'.encode())
    assert read_toml(path) == {"name": "县应急管理局", "run": {"seed": 1}}


def test_a_byte_order_mark_inside_the_file_is_still_not_toml(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(b"seed = 1\n" + BOM + b"x = 2\n")
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        read_toml(path)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


def test_a_run_config_saved_with_a_byte_order_mark_reads_as_without(tmp_path):
    # Was: "not valid TOML: Invalid statement (at line 1, column 1)".
    (tmp_path / "plain.toml").write_text(RUN, encoding="utf-8")
    (tmp_path / "bom.toml").write_bytes(BOM + RUN.encode())
    plain = RunConfig.from_file(tmp_path / "plain.toml")
    bom = RunConfig.from_file(tmp_path / "bom.toml")
    assert bom.name == plain.name == "small" and bom.scenario == plain.scenario


def test_a_scenario_saved_with_a_byte_order_mark_is_shown(tmp_path, capsys):
    (tmp_path / "s.toml").write_bytes(BOM + b'name = "mine"\nduration_h = 24\n')
    assert main(["--lang", "en", "scenario", "show", str(tmp_path / "s.toml")]) == 0
    assert "mine" in capsys.readouterr().out
