"""Dispatch policies by import path: the same runs as the built-ins, a hand trace, refusals."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from networks.errors import ConfigError
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.facilities import Station, TeamSpec
from sim.policies import DispatchPolicy, NearestAvailable, SeverityPriority, policy_from_dict
from sim.policy_import import import_path_of, import_root, policy_from_path
from tests.conftest import REPO
from tests.sim.helpers import road_network, stream_from

EXAMPLES = REPO / "examples"
SEAT = "policies.seat_reserve:SeatReserve"
FIRE = Requirement("fire", 3, (("fire", 1),))

COUNTY = """
[network]
synthetic = "county"
[scenario]
name = "typical_week"
[run]
seed = 11
travel_noise = 0.1
horizon_min = 4320
"""


def county_records(policy: dict, tmp_path) -> sim.RunRecords:
    """Replication 0 of three days of the county's typical week under ``policy``."""
    from experiments.config import RunConfig
    from experiments.runner import run_replication
    from scenarios.validate import read_toml

    path = tmp_path / "run.toml"
    path.write_text(COUNTY, encoding="utf-8")
    data = {**read_toml(path), "policy": policy}
    cfg = RunConfig.from_dict(data, source=str(path), base_dir=EXAMPLES)
    return run_replication(cfg, replication=0).records


def test_shipped_policies_satisfy_the_protocol_and_the_example_does_too():
    seat = policy_from_dict({"name": SEAT}, search_path=EXAMPLES)
    for p in (NearestAvailable(), SeverityPriority(), seat):
        assert isinstance(p, DispatchPolicy)
    assert not isinstance(object(), DispatchPolicy)


@pytest.mark.parametrize(
    ("by_path", "shipped"),
    [
        (
            {"name": "sim.policies:SeverityPriority", "reserve": 2},
            {"name": "severity_priority", "reserve": 2},
        ),
        ({"name": "sim.policies:NearestAvailable"}, {"name": "nearest_available"}),
        # The example with nothing held back is the nearest free team, first come first served.
        ({"name": SEAT, "reserve": 0}, {"name": "nearest_available"}),
    ],
    ids=["severity_priority", "nearest_available", "seat_reserve_0"],
)
def test_a_policy_by_import_path_runs_exactly_as_its_builtin_twin(by_path, shipped, tmp_path):
    a = county_records(by_path, tmp_path)
    b = county_records(shipped, tmp_path)
    assert len(a) > 10 and a.equals(b)


def test_the_seat_reserve_changes_who_goes(tmp_path):
    a = county_records({"name": SEAT, "reserve": 1}, tmp_path)
    b = county_records({"name": "nearest_available"}, tmp_path)
    assert not a.equals(b)
    assert a.meta["policy"] == {
        "name": "seat_reserve", "area": "County Seat", "reserve": 1, "protected": [1, 2],
    }  # fmt: skip


def test_seat_reserve_hand_trace():
    # 0 - 1 - 2 - 3, a minute a link. The seat (node 0) has two fire teams, the town (node 3)
    # one; every call is at node 1 and taken a minute after it rings.
    net = road_network(4, [(0, 1, 60), (1, 2, 60), (2, 3, 60)])
    fire = (TeamSpec("fire", 6, count=2, turnout=Fixed(0.0)),)
    stations = [
        Station("Seat Station", 0, "city", fire, area="County Seat"),
        Station("Town Station", 3, "city", (TeamSpec("fire", 6, turnout=Fixed(0.0)),)),
    ]
    s = stream_from([0.0, 1.0, 2.0, 3.0], [1, 1, 1, 1], requirements=[FIRE], grade=[3, 3, 3, 2],
                    control=[100.0] * 4)  # fmt: skip

    def go(policy):
        return sim.run(net, stations, (), s, rng=np.random.default_rng(0), policy=policy,
                       call_taking=Fixed(1.0), horizon=50.0)  # fmt: skip

    seat = policy_from_dict({"name": SEAT, "reserve": 1}, search_path=EXAMPLES)
    r = go(seat)
    inc, d = r.incidents, r.dispatches
    # Call 0 takes a seat team (one stays); call 1 is left the town's team, two minutes away;
    # call 2 (grade III) waits, the seat's last team kept back; call 3 (grade II) takes it.
    assert inc["first_dispatch"].tolist()[:2] == [1.0, 2.0]
    assert np.isnan(inc["first_dispatch"][2]) and inc["reason"][2] == "horizon"
    assert inc["first_dispatch"][3] == 4.0
    assert inc["first_arrival"].tolist()[:2] == pytest.approx([2.0, 4.0])
    assert d["incident"].tolist() == [0, 1, 3]
    assert d["station"].tolist() == [0, 1, 0]
    # Nearest-available sends both seat teams first, then the town's; call 3 waits.
    plain = go(NearestAvailable())
    assert plain.dispatches["station"].tolist() == [0, 0, 1]
    assert np.isnan(plain.incidents["first_dispatch"][3])


def test_a_class_or_factory_from_python_is_kept_by_its_import_path(tmp_path):
    from experiments.config import RunConfig

    data = {"network": {"synthetic": "county"}, "policy": {"name": SeverityPriority, "reserve": 0}}
    cfg = RunConfig.from_dict(data, source="x.toml", base_dir=tmp_path)
    assert dict(cfg.policy)["name"] == "sim.policies:SeverityPriority"
    assert cfg.to_dict()["policy"] == {"name": "sim.policies:SeverityPriority", "reserve": 0}
    p = cfg.dispatch_policy()
    assert isinstance(p, SeverityPriority) and p.reserve == 0
    # A callable built from Python works in-process; a nested one has no import path.
    assert isinstance(policy_from_path({"name": lambda: NearestAvailable()}), NearestAvailable)

    def local():  # pragma: no cover - never called
        return NearestAvailable()

    assert import_path_of(local) is None
    with pytest.raises(ConfigError, match="no import path") as err:
        RunConfig.from_dict({**data, "policy": {"name": local}}, source="x.toml")
    assert err.value.key == "policy.name"


def test_the_module_is_found_in_the_config_folder_and_the_path_is_restored(tmp_path):
    pkg = tmp_path / "pi_folder_policies"
    pkg.mkdir()
    (pkg / "rules.py").write_text(
        "from sim.policies import NearestAvailable\n"
        "class Mine(NearestAvailable):\n"
        "    name = 'mine'\n",
        encoding="utf-8",
    )
    before = list(sys.path)
    p = policy_from_dict({"name": "pi_folder_policies.rules:Mine"}, search_path=tmp_path)
    assert p.name == "mine"
    assert sys.path == before
    assert import_root("pi_folder_policies.rules:Mine") == str(tmp_path)
    assert sorted(f.name for f in pkg.iterdir()) == ["rules.py"]  # no __pycache__ left there


def _error(data, **kw) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        policy_from_dict(data, source="run.toml", **kw)
    return err.value


def test_each_refusal_is_one_line_naming_the_key(tmp_path):
    (tmp_path / "pi_bad_mod.py").write_text(
        "import math\n"
        "NOT_CALLABLE = 3\n"
        "class NoChoose:\n"
        "    name = 'x'\n"
        "    def queue_key(self, grade, call_taken): return call_taken\n"
        "    def to_dict(self): return {}\n"
        "def needs(*, area): return None\n"
        "def picky(*, k=1):\n"
        "    if k < 0: raise ValueError('k must be >= 0')\n"
        "    return None\n",
        encoding="utf-8",
    )
    (tmp_path / "pi_broken_mod.py").write_text("def f(:\n", encoding="utf-8")
    (tmp_path / "pi_dep_mod.py").write_text("import pi_no_such_dependency\n", encoding="utf-8")
    where = {"search_path": tmp_path}
    cases = [
        ({"name": "pi_no_such_mod:X"}, "policy.name", "no module 'pi_no_such_mod'"),
        ({"name": "pi_bad_mod:Missing"}, "policy.name", "has no attribute 'Missing'"),
        ({"name": "pi_bad_mod:NOT_CALLABLE"}, "policy.name", "is a value of type int"),
        ({"name": "pi_bad_mod:NoChoose"}, "policy.name", "it has no choose"),
        ({"name": "pi_bad_mod:needs"}, "policy", "needs area"),
        ({"name": "pi_bad_mod:picky", "kk": 1}, "policy.kk", "takes no argument 'kk'"),
        ({"name": "pi_bad_mod:picky", "k": -1}, "policy", "k must be >= 0"),
        ({"name": "pi_bad_mod:picky"}, "policy.name", "did not make a dispatch policy"),
        ({"name": "pi_broken_mod:f"}, "policy.name", "SyntaxError"),
        ({"name": "pi_dep_mod:f"}, "policy.name", "pi_no_such_dependency"),
        ({"name": "not a:path"}, "policy.name", "expected an import path"),
        ({"name": "fastest"}, "policy.name", "neither a shipped policy"),
    ]
    for data, key, text in cases:
        e = _error(data, **where)
        assert e.key == key, (data, str(e))
        assert text in str(e) and "\n" not in str(e) and str(e).startswith("run.toml: "), str(e)


@settings(max_examples=30, deadline=None)
@given(
    module=st.from_regex(r"[a-z][a-z0-9_]{0,12}(\.[a-z][a-z0-9_]{0,8}){0,2}", fullmatch=True),
    attr=st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True),
)
def test_a_missing_module_is_one_line_and_leaves_sys_path_alone(module, attr):
    before = list(sys.path)
    name = f"pi_absent_{module}"
    e = _error({"name": f"{name}:{attr}"}, search_path=REPO / "tests")
    assert sys.path == before
    assert e.key == "policy.name" and "\n" not in str(e)
    assert f"no module '{name.split('.')[0]}'" in str(e)
