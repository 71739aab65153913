"""Property tests over random small regions, facilities and incident streams."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from networks.roadnet import Disruption
from scenarios.distributions import Exponential, Fixed, Uniform
from scenarios.stream import Requirement, ScheduledDisruption
from sim.facilities import Depot, Station, TeamSpec
from tests.sim.helpers import grid_network, stream_from

REQUIREMENTS = [
    Requirement("fire", 4, (("fire", 1),)),
    Requirement("fire", 2, (("fire", 2), ("medical", 1)), (("blankets", 5),)),
    Requirement("flood", 1, (("general", 1),), (("sandbags", 40), ("drinking_water", 10))),
    Requirement("spill", 3, (("hazmat", 1),)),  # nobody has hazmat in these regions
    Requirement("storm", 4, (), (("drinking_water", 3),)),
]
REASONS = {"no_capability", "after_horizon", "horizon", "unreachable", "stalled"}
ITEMS = ("blankets", "sandbags", "drinking_water")


@st.composite
def scenario(draw):
    rows, cols = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    n = rows * cols
    links = (rows - 1) * cols + rows * (cols - 1)
    net = grid_network(
        rows, cols, seconds=draw(st.lists(st.floats(20, 400), min_size=links, max_size=links))
    )
    stations = []
    for k in range(draw(st.integers(1, 3))):
        teams = tuple(
            TeamSpec(
                cap,
                30,
                count=draw(st.integers(1, 2)),
                turnout=draw(st.sampled_from([Fixed(0.0), Fixed(1.5), Uniform(0.5, 2.0)])),
                resupply=draw(st.sampled_from([Fixed(0.0), Fixed(0.0), Exponential(5.0)])),
            )
            for cap in draw(st.sets(st.sampled_from(["fire", "medical", "general"]), min_size=1))
        )
        stations.append(
            Station(
                f"S{k}",
                draw(st.integers(0, n - 1)),
                "township",
                teams,
                area=draw(st.sampled_from(["a", "b"])),
            )
        )
    stock = lambda: tuple((i, draw(st.integers(0, 60))) for i in ITEMS)  # noqa: E731
    depots = [Depot("C", draw(st.integers(0, n - 1)), "city", stock())]
    for k in range(draw(st.integers(0, 3))):
        depots.append(
            Depot(
                f"T{k}",
                draw(st.integers(0, n - 1)),
                "township",
                stock(),
                parent="C",
                lead_time_min=draw(st.floats(0, 100)),
            )
        )
        if draw(st.booleans()):
            depots.append(
                Depot(
                    f"V{k}",
                    draw(st.integers(0, n - 1)),
                    "village",
                    stock(),
                    parent=f"T{k}",
                    lead_time_min=draw(st.floats(0, 50)),
                )
            )
    m = draw(st.integers(1, 25))
    times = draw(st.lists(st.floats(0, 300), min_size=m, max_size=m))
    disruptions = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(st.floats(0, 300))
        end = draw(st.sampled_from([float("inf"), start + draw(st.floats(0, 200))]))
        edges = tuple(draw(st.sets(st.integers(0, net.n_edges - 1), min_size=1, max_size=4)))
        disruptions.append(ScheduledDisruption(start, end, Disruption(edges)))
    stream = stream_from(
        times,
        draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)),
        requirements=REQUIREMENTS,
        requirement=draw(st.lists(st.integers(0, len(REQUIREMENTS) - 1), min_size=m, max_size=m)),
        control=draw(st.lists(st.floats(0, 60), min_size=m, max_size=m)),
        clear=draw(st.lists(st.floats(0, 60), min_size=m, max_size=m)),
        grade=draw(st.lists(st.integers(1, 4), min_size=m, max_size=m)),
        disruptions=disruptions,
    )
    kw = {
        "policy": draw(
            st.sampled_from(
                [
                    sim.NearestAvailable(),
                    sim.SeverityPriority(reserve=1),
                    sim.SeverityPriority(reserve={"fire": 1}),
                ]
            )
        ),
        "horizon": draw(st.sampled_from([None, 100.0, 250.0])),
        "travel_noise": draw(st.sampled_from([0.0, 0.3])),
    }
    return net, stations, depots, stream, kw, draw(st.integers(0, 2**32 - 1))


def _run(case):
    net, stations, depots, stream, kw, seed = case
    return sim.run(net, stations, depots, stream, rng=np.random.default_rng(seed), **kw)


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenario())
def test_invariants(case):
    rec = _run(case)
    inc, d = rec.incidents, rec.dispatches

    # Every incident ends served, or unserved with a known reason.
    assert np.all(inc["served"] == (inc["reason"] == ""))
    assert set(inc["reason"][~inc["served"]].tolist()) <= REASONS

    # Event times never go backwards per incident.
    # (Work is shared from each arrival, so control may come before the last team is there.)
    chain = ["call", "call_taken", "first_dispatch", "first_arrival", "under_control", "cleared"]
    for a, b in [*zip(chain[:-1], chain[1:], strict=True), ("first_arrival", "on_scene")]:
        x, y = inc[a], inc[b]
        ok = np.isnan(x) | np.isnan(y) | (y >= x - 1e-9)
        assert ok.all(), (a, b)
    needs = inc["teams_needed"] > 0
    assert not np.isnan(inc["on_scene"][inc["served"] & needs]).any()
    # Times after the end of the run are masked, for served incidents too: one still being
    # worked when a horizon stops the run has no `under_control`/`cleared`; without a horizon
    # every served incident clears.
    for col in (*chain[1:], "on_scene"):
        assert not np.any(inc[col] > rec.end), col
    if rec.meta["horizon"] is None:
        assert not np.isnan(inc["cleared"][inc["served"]]).any()
    # A served incident's teams are released when it clears (nan: not within the run).
    kept = ~d["diverted"] & inc["served"][d["incident"]]
    assert np.array_equal(d["released"][kept], inc["cleared"][d["incident"][kept]], equal_nan=True)
    # A served incident got at least one team; fewer than asked only if it cleared before
    # the rest could come, and then it has no team left on the way.
    assert np.all(inc["teams_sent"][inc["served"] & needs] >= 1)
    assert np.all(inc["teams_sent"] <= inc["teams_needed"])

    # A team that never gets home (a road still closed) has no return time: nan, never inf.
    assert not np.isinf(d["returned"]).any() and not np.isinf(d["available"]).any()

    # No team in two places at once: a team's dispatches never overlap, and a team that was
    # not diverted goes on (or home) only from a scene it has reached.
    assert np.all(d["arrival"] >= d["dispatched"])
    early = ~d["diverted"] & (d["returned"] < d["arrival"] - 1e-9)
    for r0 in np.flatnonzero(early):
        # Sent on before reaching a scene that cleared: the next trip starts at once, from
        # that scene, and includes the rest of the drive there.
        # Rows are in dispatch order, so the team's next row is its next trip, even when
        # it was sent and sent on at the same instant (a scene cleared as the team left).
        later = np.flatnonzero((d["team"] == d["team"][r0]) & (np.arange(d["team"].size) > r0))
        assert later.size, "a team turned back before its scene has no next trip"
        r1 = later[0]
        assert d["dispatched"][r1] == d["returned"][r0] and d["from_scene"][r1]
        assert d["travel"][r1] >= d["arrival"][r0] - d["returned"][r0] - 1e-9
    for team in np.unique(d["team"]):
        rows = np.flatnonzero(d["team"] == team)
        assert np.all(np.diff(d["dispatched"][rows]) >= 0)  # rows in dispatch order
        rows = rows[np.argsort(d["dispatched"][rows], kind="stable")]
        for r0, r1 in zip(rows[:-1], rows[1:], strict=True):
            assert d["released"][r0] <= d["dispatched"][r1] + 1e-9
            assert d["available"][r0] <= d["dispatched"][r1] + 1e-9
            assert d["returned"][r0] <= d["dispatched"][r1] + 1e-9
    # ... and a dispatched team matches the capability asked for.
    for r in range(len(d["team"])):
        req = REQUIREMENTS[inc["requirement"][d["incident"][r]]]
        assert d["capability"][r] in dict(req.teams)

    # Stock is never negative and every unit is accounted for.
    s, sup = rec.stock, rec.supplies
    assert (s["final"] >= 0).all() and (s["in_transit"] >= 0).all()
    items = s["items"]
    balance = s["initial"].copy()
    for k in range(len(sup["time"])):
        j = items.index(sup["item"][k])
        balance[sup["source"][k], j] -= sup["quantity"][k]
        if sup["kind"][k] == "transfer":
            balance[sup["target"][k], j] += sup["quantity"][k]
    assert np.array_equal(balance, s["final"] + s["in_transit"])
    assert (sup["quantity"] > 0).all()
    # Replay in time order (arrivals first on ties): no depot ever goes below zero.
    # A run without horizon processes everything up to its last event; with one, events at
    # the horizon itself are not processed.
    arrived = (sup["arrive"] <= rec.end) if rec.meta["horizon"] is None else sup["arrive"] < rec.end
    events = []
    for k in range(len(sup["time"])):
        j = items.index(sup["item"][k])
        events.append((sup["time"][k], 1, sup["source"][k], j, -sup["quantity"][k]))
        if sup["kind"][k] == "transfer" and arrived[k]:
            events.append((sup["arrive"][k], 0, sup["target"][k], j, sup["quantity"][k]))
    transfer = sup["kind"] == "transfer"
    assert s["in_transit"].sum() == sup["quantity"][transfer & ~arrived].sum()
    level = s["initial"].copy()
    for _, _, depot, j, q in sorted(events, key=lambda e: (e[0], e[1])):
        level[depot, j] += q
        assert level[depot, j] >= 0
    # Shortfall recorded for an incident equals what it asked for minus what it was issued.
    for i in range(len(inc["id"])):
        if inc["reason"][i] == "after_horizon" or np.isnan(inc["call_taken"][i]):
            continue
        asked = sum(q for _, q in REQUIREMENTS[inc["requirement"][i]].supplies)
        got = sup["quantity"][(sup["kind"] == "issue") & (sup["incident"] == i)].sum()
        assert asked == got + inc["supply_short"][i]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_same_seed_same_records(case):
    assert _run(case).equals(_run(case))
