"""A ``fix`` table's names follow the facilities-table rules, or the run stops naming the cell.

One name, one place; one name per place; and no name a station (or depot) of the region
already has at another place. Before, such names were renamed or dropped without a word.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.cli import main
from experiments.config import RunConfig
from experiments.siting.plan import build_problem
from experiments.siting.task import read_tasks
from networks.errors import ConfigError
from tests.conftest import REPO

BASE = {
    "network": {"synthetic": "county"},
    "scenario": {"name": "typical_week"},
    "facilities": {"township_stations": 6},
    "run": {"seed": 3},
}


@pytest.fixture(scope="module")
def config():
    return RunConfig.from_dict(BASE, source="test")


@pytest.fixture(scope="module")
def region(config):
    return config.region()


def _problem(config, region, fix: Path, facility: str = "stations"):
    data = {**BASE, "siting": {"facility": facility, "fix": str(fix), "demand": "nodes",
                               "p": 6 if facility == "stations" else 10}}  # fmt: skip
    task = read_tasks(data, source="test", base_dir=fix.parent)[0]
    return build_problem(task, config, region)


def _refused(config, region, tmp_path, text: str, facility: str = "stations") -> ConfigError:
    fix = tmp_path / "fix.csv"
    fix.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        _problem(config, region, fix, facility)
    assert err.value.source == str(fix)
    return err.value


def test_one_name_at_two_places_is_refused(config, region, tmp_path):
    text = "name,landmark\nNew Post,Xiba Village 1\nNew Post,Beihe Village 1\n"
    exc = _refused(config, region, tmp_path, text)
    assert exc.key == "line 3, column name"
    assert "'New Post' is at another place on line 2" in str(exc)


def test_two_names_on_one_place_are_refused(config, region, tmp_path):
    text = "name,landmark\nEast Post,Xiba Village 1\nWest Post,Xiba Village 1\n"
    exc = _refused(config, region, tmp_path, text)
    assert exc.key == "line 3, column name"
    assert "'West Post' is at the same place as 'East Post' on line 2" in str(exc)


@pytest.mark.parametrize("name", ["City Station", "Dongcun Station"])  # another tier, this one
def test_a_stations_name_at_another_place_is_refused(config, region, tmp_path, name):
    node = next(s.node for s in region.stations if s.name == name)
    exc = _refused(config, region, tmp_path,
                   f"name,landmark\nkeep,Beihe Village 1\n{name},Xiba Village 1\n")  # fmt: skip
    assert exc.key == "line 3, column name"
    assert f"station '{name}' already stands at another place (node {node})" in str(exc)


def test_a_depots_name_at_another_place_is_refused(config, region, tmp_path):
    depot = next(d for d in region.depots if d.tier == "township")
    exc = _refused(config, region, tmp_path, f"name,landmark\n{depot.name},Xiba Village 1\n",
                   facility="depots")  # fmt: skip
    assert exc.key == "line 2, column name"
    assert f"depot '{depot.name}' already stands at another place" in str(exc)


def test_names_that_agree_with_the_region_are_kept(config, region, tmp_path):
    # The same row twice, a row without a name, a current station named at its own place.
    at = {lm.name: lm.node for lm in region.network.landmarks}
    fix = tmp_path / "fix.csv"
    fix.write_text(
        "name,landmark\nNew Post,Beihe Village 1\nNew Post,Beihe Village 1\n,Xiba Village 1\n"
        "Dongcun Station,Dongcun Town\n",
        encoding="utf-8",
    )
    prob = _problem(config, region, fix)
    beihe, xiba, dongcun = at["Beihe Village 1"], at["Xiba Village 1"], at["Dongcun Town"]
    assert prob.names == {beihe: "New Post", dongcun: "Dongcun Station"}
    assert sorted(prob.fixed.tolist()) == sorted({beihe, xiba, dongcun})


def test_the_command_stops_with_one_line_and_status_2(tmp_path, capsys):
    fix = tmp_path / "fix.csv"
    fix.write_text("name,landmark\nNew Post,Xiba Village 1\nNew Post,Beihe Village 1\n")
    out = tmp_path / "o"
    code = main(["--lang", "en", "site", str(REPO / "examples" / "siting.toml"), "--task",
                 "stations", "--fix", str(fix), "--out", str(out)])  # fmt: skip
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"{fix}: line 3, column name: station 'New Post' is at another place" in err
