import json

import matplotlib
import numpy as np
import pytest

import sim
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.facilities import Depot, Station, TeamSpec
from sim.plots import plot_incident_map, plot_response_times, plot_utilisation
from sim.summary import summarise
from tests.sim.helpers import road_network, stream_from

matplotlib.use("Agg")
FIRE = Requirement("fire", 3, (("fire", 1),))
WATER = Requirement("flood", 1, (("fire", 1),), (("drinking_water", 30),))


@pytest.fixture(scope="module")
def case():
    # 0 - 1 - 2 - 3 - 4, links of 4 minutes; one team at node 0 with 1 minute turnout.
    net = road_network(5, [(0, 1, 240), (1, 2, 240), (2, 3, 240), (3, 4, 240)])
    st = [Station("A", 0, "city", (TeamSpec("fire", 6, turnout=Fixed(1.0)),))]
    dep = [Depot("C", 0, "city", (("drinking_water", 20),))]
    # Call taking 0.5 min. Incident 0 at node 1: arrives 1 + 4 = 5 min after call taken,
    # control 10. Incident 1 at node 3 (t=100): 1 + 12 = 13 min (misses 10), control 20
    # (misses 15), cleared 133.5. Incident 2 (t=101, node 0) waits for the team, which comes
    # straight from node 3 (12 min): arrival 145.5, 44 min after call taken; control 20.
    # Incident 3 comes after the horizon.
    s = stream_from(
        [0.0, 100.0, 101.0, 500.0],
        [1, 3, 0, 0],
        requirements=[FIRE, WATER],
        requirement=[0, 1, 0, 0],
        control=[10.0, 20.0, 20.0, 1.0],
    )
    rec = sim.run(
        net, st, dep, s, rng=np.random.default_rng(0), call_taking=Fixed(0.5), horizon=400.0
    )
    return net, rec


def test_summary_figures(case):
    _, rec = case
    out = summarise(rec)
    json.dumps(out)  # JSON-ready
    assert out["incidents"] == 4 and out["served"] == 3
    assert out["unserved"] == {"after_horizon": 1}
    c = out["compliance"]
    assert c["call_taking"] == 1.0
    assert c["arrival"] == pytest.approx(1 / 3)
    assert c["control"] == pytest.approx(1 / 3)
    assert c["all_three"] == pytest.approx(1 / 3)
    arr = out["intervals"]["arrival"]
    waits = [5.0, 13.0, 44.0]
    assert arr["n"] == 3 and arr["mean"] == pytest.approx(np.mean(waits))
    assert arr["median"] == pytest.approx(13.0)
    assert arr["p90"] == pytest.approx(np.percentile(waits, 90))
    # The team is committed 0.5->15.5, 100.5->133.5 and 133.5->165.5 of 400 minutes, and away
    # until 19.5 after the first (4 min home); incident 2 is at its station.
    assert out["utilisation"]["A"]["committed"] == pytest.approx((15 + 33 + 32) / 400)
    assert out["utilisation"]["A"]["away"] == pytest.approx((19 + 33 + 32) / 400)
    assert out["stockouts"]["city"] == {"issue_events": 1, "issue_units_short": 10}
    assert out["supply_short_units"] == 10
    assert out["by_grade"] == {
        "3": {"incidents": 3, "arrival_share": pytest.approx(1 / 3),
              "all_three_share": pytest.approx(1 / 3)}}  # fmt: skip
    assert out["intervals"]["response"]["mean"] == pytest.approx(np.mean([5.5, 13.5, 44.5]))
    strict = summarise(rec, sim.ResponseTargets(arrival=4.0, control=20.0))
    assert strict["compliance"]["arrival"] == 0.0
    assert strict["compliance"]["control"] == 1.0


def test_plots_return_figures(case):
    net, rec = case
    import matplotlib.pyplot as plt

    for fig in (plot_response_times(rec), plot_incident_map(net, rec), plot_utilisation(rec)):
        assert isinstance(fig, matplotlib.figure.Figure)
        plt.close(fig)
    fig, ax = plt.subplots()
    assert plot_utilisation(rec, ax=ax) is fig
    assert [p.get_width() for p in ax.patches][-1] == pytest.approx(100 * 80 / 400)  # in %
    plt.close(fig)
