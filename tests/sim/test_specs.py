import pytest

import sim
from networks.errors import ConfigError
from sim.facilities import Depot, Station, TeamSpec
from sim.policies import NearestAvailable, SeverityPriority, policy_from_dict
from sim.targets import ResponseTargets


def test_policy_round_trip():
    p = SeverityPriority(reserve={"fire": 2}, protected=(1,), max_hold=7.5)
    q = policy_from_dict(p.to_dict())
    assert isinstance(q, SeverityPriority) and q.to_dict() == p.to_dict()
    assert isinstance(policy_from_dict({"name": "nearest_available"}), NearestAvailable)


@pytest.mark.parametrize(
    "data",
    [{"name": "fastest"}, {"name": "nearest_available", "reserve": 1},
     {"name": "severity_priority", "reserve": -1}, {"name": "severity_priority", "colour": 1}],
)  # fmt: skip
def test_bad_policy_is_config_error(data):
    with pytest.raises(ConfigError):
        policy_from_dict(data)


def test_targets():
    assert ResponseTargets() == ResponseTargets(1.0, 10.0, 15.0)
    t = ResponseTargets.from_dict({"arrival": 8})
    assert t.arrival == 8.0 and ResponseTargets.from_dict(t.to_dict()) == t
    with pytest.raises(ConfigError) as exc:
        ResponseTargets.from_dict({"arrival": -1}, source="c.toml", key="targets")
    assert exc.value.key == "targets.arrival"
    with pytest.raises(ConfigError, match="unknown key") as exc:
        ResponseTargets.from_dict({"arrive": 5}, source="c.toml", key="targets")
    assert exc.value.key == "targets.arrive"


@pytest.mark.parametrize("name", ["Fire\nStation", "Fire\x07", "A\u2028B", "\u202eevil"])
def test_facility_names_are_one_printable_line(name):
    team = {"capability": "fire", "size": 6}
    with pytest.raises(ConfigError, match="one line") as exc:
        Station.from_dict({"name": name, "node": 0, "tier": "city", "teams": [team]}, key="s")
    assert exc.value.key == "s.name" and "\n" not in str(exc.value)
    with pytest.raises(ConfigError, match="one line"):
        Depot.from_dict({"name": name, "node": 0, "tier": "city", "stock": {}})
    ok = Station.from_dict({"name": "消防站 1", "node": 0, "tier": "city", "teams": [team]})
    assert ok.name == "消防站 1"


def test_township_station_needs_a_30_person_team():
    with pytest.raises(ValueError, match="at least 30"):
        Station("T", 0, "township", (TeamSpec("fire", 6),))
    assert Station("T", 0, "township", (TeamSpec("general", 30), TeamSpec("fire", 6))).area == "T"
    assert sim.Station("C", 0, "city", (TeamSpec("fire", 6),)).tier == "city"


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        ({"name": "severity_priority", "reserv": 1}, "policy.reserv", "unknown key"),
        ({"name": "nearest_available", "reserve": 1}, "policy.reserve", "unknown key"),
        ({"name": "severity_priority", "reserve": {"fier": 1}}, "policy.reserve.fier", "unknown"),
        ({"name": "severity_priority", "reserve": 0.5}, "policy.reserve", "integer"),
        ({"name": "severity_priority", "reserve": 10**9}, "policy.reserve", "<="),
        ({"name": "severity_priority", "max_hold": float("nan")}, "policy.max_hold", "finite"),
        ({"name": "severity_priority", "max_hold": -1}, "policy.max_hold", ">= 0"),
        ({"name": "severity_priority", "protected": [1, "II"]}, "policy.protected", "grades"),
        ({"name": "fastest"}, "policy.name", "'fastest' is neither a shipped policy"),
        ({"reserve": 1}, "policy.name", "missing"),
    ],
)
def test_policy_mistakes_name_the_key_itself(data, key, words):
    with pytest.raises(ConfigError) as exc:
        policy_from_dict(data, source="run.toml")
    assert exc.value.source == "run.toml" and exc.value.key == key
    assert words in str(exc.value)


def test_policy_max_hold_inf_never_relents():
    p = policy_from_dict({"name": "severity_priority", "max_hold": float("inf")})
    assert p.max_hold == float("inf")
    assert policy_from_dict(p.to_dict()).to_dict() == p.to_dict()
