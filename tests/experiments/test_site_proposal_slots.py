"""A proposal keeps every facility in its slot, so paired runs share their random numbers.

The simulator gives each team its random stream by its position in the flattened
station list (sim/fleet.py). A proposal that re-orders the stations gives kept stations
other turnouts, and one that moves nothing would then differ from the current siting.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.runner import run_replication
from experiments.siting.evaluate import evaluate_siting
from experiments.siting.plan import SitingResult, build_problem, site
from experiments.siting.proposal import proposed_region
from experiments.siting.task import read_tasks
from sim.defaults import DEFAULT_STOCK

# Township stations before and after the city one, not in node order, with unequal team
# counts (Dongcun has one team, the others two).
STATIONS = """name,tier,landmark,capability,size,count,turnout_min
Xiba Station,township,Xiba Town,general,30,1,2.0
Xiba Station,township,Xiba Town,fire,6,1,1.5
Dongcun Station,township,Dongcun Town,general,30,1,2.0
City Station,city,County Seat,fire,6,4,1.5
City Station,city,County Seat,medical,4,2,1.0
Nanshan Station,township,Nanshan Town,general,30,1,2.0
Nanshan Station,township,Nanshan Town,medical,3,1,1.0
"""
# A village point listed first, restocked from the farther of the two township depots;
# the township depots hold different stock (Xiba half the default).
_DEPOTS = (
    ("Xiba Village Store", "village", "Xiba Village 1", "Nanshan Depot", 60, 1.0),
    ("City Depot", "city", "County Seat", "", 0, 1.0),
    ("Xiba Depot", "township", "Xiba Town", "City Depot", 120, 0.5),
    ("Nanshan Depot", "township", "Nanshan Town", "City Depot", 90, 1.0),
)
DEPOTS = "name,tier,landmark,parent,lead_time_min,item,quantity\n" + "".join(
    f"{name},{tier},{place},{parent},{lead},{item},{int(q * share)}\n"
    for name, tier, place, parent, lead, share in _DEPOTS
    for item, q in DEFAULT_STOCK[tier].items()
)


def _data(folder: Path) -> dict:
    (folder / "stations.csv").write_text(STATIONS, encoding="utf-8")
    (folder / "depots.csv").write_text(DEPOTS, encoding="utf-8")
    return {
        "network": {"synthetic": "county"},
        "facilities": {"stations": "stations.csv", "depots": "depots.csv"},
        "scenario": {"name": "typical_week"},
        "run": {"seed": 5},
    }


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("slots")
    data = _data(folder)
    config = RunConfig.from_dict(data, source="test.toml", base_dir=folder)
    return data, folder, config, config.region()


def _task(data: dict, folder: Path, **kw):
    return read_tasks({**data, "siting": kw}, source="test.toml", base_dir=folder)[0]


def _node(region, landmark: str) -> int:
    return next(lm.node for lm in region.network.landmarks if lm.name == landmark)


@pytest.mark.parametrize("facility", ["stations", "depots"])
def test_a_proposal_that_moves_nothing_is_the_current_siting_exactly(setup, facility):
    data, folder, config, region = setup
    task = _task(data, folder, facility=facility, model="pmedian", candidates="current",
                 demand="nodes")  # fmt: skip
    res = site(task, config, region)
    assert res.after["new_sites"] == 0
    new = proposed_region(res, region)
    t = evaluate_siting(config, region, new, 2, facility=facility).table()
    assert all(n == 2 for n in t["n"])
    assert [float(d) for d in t["diff"]] == [0.0] * len(t["diff"])
    assert getattr(new, facility) == getattr(region, facility)  # same facilities, same order


def _team_draws(region, records) -> dict[tuple[str, int], list[float]]:
    """Turnouts each team drew, in order, keyed by (station name, team number at it)."""
    owner = [(s.name, k) for s in region.stations for k in range(sum(ts.count for ts in s.teams))]
    d = records.dispatches
    out: dict[tuple[str, int], list[float]] = {key: [] for key in owner}
    for team, turnout in zip(d["team"].tolist(), d["turnout"].tolist(), strict=True):
        if turnout > 0:  # a team already out (returning, diverted) draws no turnout
            out[owner[team]].append(turnout)
    return out


def test_moving_one_station_leaves_every_other_stations_draws(setup):
    data, folder, config, region = setup
    prob = build_problem(_task(data, folder, demand="nodes"), config, region)
    moved = _node(region, "Dongcun Town")
    selected = np.sort(np.append(np.setdiff1d(prob.current, [moved]),
                                 _node(region, "Baiyun Town")))  # fmt: skip
    new = proposed_region(SitingResult(problem=prob, model=None, selected=selected), region)
    a = _team_draws(region, run_replication(config, replication=0, region=region).records)
    b = _team_draws(new, run_replication(config, replication=0, region=new).records)
    compared = 0
    for key, drawn in a.items():
        if key[0] == "Dongcun Station":
            continue
        # The same stream: whichever team was sent more often drew the other's draws first.
        n = min(len(drawn), len(b[key]))
        assert drawn[:n] == b[key][:n], key
        compared += n
    assert compared >= 20
    # The new station takes Dongcun's slot and its teams; the others stay where they were.
    assert new.stations[1].node == _node(region, "Baiyun Town")
    assert new.stations[1].teams == region.stations[1].teams
    assert [s for k, s in enumerate(new.stations) if k != 1] == [
        s for k, s in enumerate(region.stations) if k != 1
    ]


def test_a_moved_depot_keeps_its_slot_and_stock_and_only_its_stores_change_parent(setup):
    data, folder, config, region = setup
    task = _task(data, folder, facility="depots", model="pmedian", demand="nodes")
    prob = build_problem(task, config, region)
    baiyun = _node(region, "Baiyun Town")
    selected = np.sort(np.array([_node(region, "Xiba Town"), baiyun]))
    new = proposed_region(SitingResult(problem=prob, model=None, selected=selected), region)
    old = {d.name: k for k, d in enumerate(region.depots)}
    slot = old["Nanshan Depot"]
    moved = new.depots[slot]
    assert moved.node == baiyun and moved.stock == region.depots[slot].stock
    assert moved.lead_time_min == region.depots[slot].lead_time_min
    store = new.depots[old["Xiba Village Store"]]
    tt = region.network.travel_times([_node(region, "Xiba Town"), baiyun])[:, store.node]
    assert store.parent == ("Xiba Depot" if tt[0] <= tt[1] else moved.name)
    assert [d for k, d in enumerate(new.depots) if k not in (slot, 0)] == [
        d for k, d in enumerate(region.depots) if k not in (slot, 0)
    ]


def test_a_new_site_at_a_place_with_a_chinese_name_is_named_in_chinese(setup):
    # A real network's landmark names its place in Chinese (雄石社区, or beside name:en):
    # the proposal reads 雄石社区应急救援站（拟建）, not 雄石社区 Station（拟建）.
    from dataclasses import replace

    from networks import i18n
    from networks.names import facility_label
    from networks.tables import Landmark

    data, folder, config, region = setup
    prob = build_problem(_task(data, folder, demand="nodes"), config, region)
    baiyun = _node(region, "Baiyun Town")
    for lm, want in (
        (Landmark(baiyun, "雄石社区", "village"), ("雄石社区 Station (proposed)", "雄石社区")),
        (Landmark(baiyun, "Xiongshi", "village", "雄石社区"),
         ("Xiongshi Station (proposed)", "雄石社区")),
    ):  # fmt: skip
        marks = [lm if m.node == baiyun else m for m in region.network.landmarks]
        here = replace(region, network=replace_network(region.network, marks))
        moved = _node(region, "Dongcun Town")
        chosen = np.sort(np.append(np.setdiff1d(prob.current, [moved]), baiyun))
        new = proposed_region(SitingResult(problem=prob, model=None, selected=chosen), here)
        site = next(s for s in new.stations if s.node == baiyun)
        assert (site.name, site.name_zh) == (want[0], f"{want[1]}应急救援站（拟建）")
        with i18n.language("zh"):
            assert facility_label(site.name, new.names_zh) == f"{want[1]}应急救援站（拟建）"


def replace_network(network, landmarks):
    """``network`` with other landmarks (a copy; the module's region is shared)."""
    import copy

    net = copy.copy(network)
    net.landmarks = tuple(landmarks)
    return net
