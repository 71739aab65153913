import pytest

from networks import synthetic_county
from networks.errors import ConfigError
from scenarios.distributions import Exponential
from sim.defaults import default_facilities
from sim.facilities import (
    CAPABILITIES,
    DEPOT_TIERS,
    Depot,
    Station,
    TeamSpec,
    check_facilities,
)


def station_dict(**kw):
    d = {
        "name": "S1",
        "node": 3,
        "tier": "township",
        "area": "east",
        "teams": [
            {"capability": "general", "size": 30, "turnout": {"dist": "exponential", "mean": 2}},
            {"capability": "fire", "size": 6, "count": 2},
        ],
    }
    d.update(kw)
    return d


def test_station_round_trip():
    s = Station.from_dict(station_dict(), source="f.toml", key="stations[0]")
    assert s.teams[0].turnout == Exponential(2.0)
    assert s.teams[1].count == 2
    assert Station.from_dict(s.to_dict()) == s
    assert Station.from_dict(s.to_dict()).to_dict() == s.to_dict()


def test_depot_round_trip():
    d = Depot.from_dict(
        {
            "name": "D",
            "node": 1,
            "tier": "village",
            "stock": {"tents": 3, "food": 0},
            "parent": "T",
            "lead_time_min": 60,
        }
    )
    assert d.stock_dict == {"food": 0, "tents": 3}
    assert Depot.from_dict(d.to_dict()) == d


@pytest.mark.parametrize(
    "patch, key",
    [
        ({"tier": "province"}, "stations[2].tier"),
        ({"node": -1}, "stations[2].node"),
        ({"teams": []}, "stations[2].teams"),
        ({"teams": [{"capability": "police", "size": 40}]}, "stations[2].teams[0].capability"),
        ({"teams": [{"capability": "general", "size": 12}]}, "stations[2].teams"),
        (
            {"teams": [{"capability": "general", "size": 30, "turnout": -2}]},
            "stations[2].teams[0].turnout",
        ),
        (
            {
                "teams": [
                    {"capability": "fire", "size": 6, "turnout": {"kind": "fixed", "value": 1}}
                ]
            },
            "stations[2].teams[0].turnout.kind",
        ),
        ({"colour": "red"}, "stations[2].colour"),
    ],
)
def test_bad_station_names_key(patch, key):
    with pytest.raises(ConfigError) as exc:
        Station.from_dict(station_dict(**patch), source="f.toml", key="stations[2]")
    assert exc.value.key == key and exc.value.source == "f.toml"


def test_negative_stock_rejected():
    with pytest.raises(ConfigError) as exc:
        Depot.from_dict(
            {"name": "D", "node": 1, "tier": "city", "stock": {"tents": -1}}, key="depots[0]"
        )
    assert exc.value.key == "depots[0].stock.tents"


def test_check_facilities():
    s = Station("A", 5, "city", (TeamSpec("fire", 6),))
    with pytest.raises(ConfigError, match="stations\\[0\\].node"):
        check_facilities(5, [s])
    v = Depot("V", 0, "village", (("food", 1),), parent="C")
    c = Depot("C", 1, "city", (("food", 9),))
    check_facilities(6, [s], [v, c])
    with pytest.raises(ConfigError, match="depots\\[0\\].parent"):
        check_facilities(6, [s], [v])
    upside_down = Depot("C", 1, "city", (("food", 9),), parent="V")
    with pytest.raises(ConfigError, match="higher tier"):
        check_facilities(6, [s], [v, upside_down])
    with pytest.raises(ConfigError, match="duplicate"):
        check_facilities(6, [s, s])


def test_default_facilities_on_synthetic_county():
    net = synthetic_county()
    stations, depots = default_facilities(net)
    check_facilities(net.n_nodes, stations, depots)
    kinds = {
        k: [lm for lm in net.landmarks if lm.kind == k] for k in ("city", "township", "village")
    }
    assert [s.tier for s in stations].count("township") == len(kinds["township"])
    assert all(
        any(t.capability == "general" and t.size >= 30 for t in s.teams)
        for s in stations
        if s.tier == "township"
    )
    caps = {t.capability for s in stations for t in s.teams}
    assert caps == set(CAPABILITIES)
    tiers = [d.tier for d in depots]
    assert set(tiers) == set(DEPOT_TIERS)
    assert tiers.count("village") == len(kinds["village"])
    # Every chain of parents ends at the city depot.
    by = {d.name: d for d in depots}
    for d in depots:
        while d.parent:
            d = by[d.parent]
        assert d.tier == "city"
