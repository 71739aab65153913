"""``township_stations`` above the network's townships is refused, not cut (audit #4)."""

from __future__ import annotations

import pytest

from experiments.config import RunConfig
from experiments.region import check_township_stations
from networks.errors import ConfigError
from sim.defaults import TownshipCountError, default_facilities


def _towns(network) -> int:
    return sum(lm.kind == "township" for lm in network.landmarks)


@pytest.mark.parametrize("fixture", ["county", "city"])
def test_every_township_is_allowed_and_one_more_is_refused(fixture, request):
    net = request.getfixturevalue(fixture)
    n = _towns(net)
    stations, _ = default_facilities(net, township_stations=n)
    assert sum(s.tier == "township" for s in stations) == n
    with pytest.raises(TownshipCountError) as info:
        default_facilities(net, township_stations=n + 1)
    message = str(info.value)
    assert f"township_stations = {n + 1}" in message
    assert f"only {n} townships" in message and repr(net.name) in message


def _config(township_stations: int, **facilities) -> RunConfig:
    data = {
        "network": {"synthetic": "county"},
        "scenario": {"name": "typical_week"},
        "facilities": {"township_stations": township_stations, **facilities},
    }
    return RunConfig.from_dict(data, source="run.toml")


def test_a_run_config_names_the_key_and_the_townships(county):
    n = _towns(county)
    cfg = _config(n + 2)
    for check in (check_township_stations, RunConfig.region):
        with pytest.raises(ConfigError) as info:
            check(cfg)
        assert info.value.source == "run.toml"
        assert info.value.key == "facilities.township_stations"
        assert f"only {n} townships" in str(info.value)
    # Every township is still a valid count, and the two points differ.
    assert check_township_stations(_config(n)) is None
    few, full = (_config(k).region().stations for k in (n - 1, n))
    assert len(full) == len(few) + 1


def test_the_count_does_not_apply_to_a_stations_table(tmp_path, county):
    table = tmp_path / "stations.csv"
    table.write_text(
        "name,tier,landmark,capability,size\nXiba,township,Xiba Town,general,30\n",
        encoding="utf-8",
    )
    cfg = _config(_towns(county) + 5, stations=str(table))
    check_township_stations(cfg)  # not refused: the table gives the stations
    assert [s.name for s in cfg.region().stations] == ["Xiba"]
