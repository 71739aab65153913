"""Disaster events: rainstorm, typhoon, earthquake, chemical leak; footprints and exact traces."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from scenarios import ScenarioSpec, generate_stream
from scenarios.events import Earthquake, pga_g, quake_grade
from scenarios.places import Geography


def run(net, catalogue, events, *, hours=48, rates=None, seed=0, depth=0, overrides=None):
    s = ScenarioSpec.from_dict(
        {
            "name": "t",
            "duration_h": hours,
            "max_cascade_depth": depth,
            "background": {"rates": rates or {}},
            "events": events,
            "overrides": overrides or {},
        }
    )
    return generate_stream(s, net, rng=np.random.default_rng(seed), catalogue=catalogue)


def seg_dist(net, x, y, edges):
    return Geography(net).segment_distance(x, y, np.asarray(edges))


def test_rainstorm_closes_low_lying_roads_at_the_closure_depth(county, catalogue):
    ev = {
        "type": "rainstorm",
        "at": "centre",
        "radius_m": 5000,
        "start_h": 2,
        "duration_h": 6,
        "intensity_mm_h": 20,
        "closure_mm": 50,
        "drain_h": 4,
        "extra_per_day": {},
        "rate_multiplier": {},
    }
    st = run(county, catalogue, [ev])
    rain = [d for d in st.disruptions if d.disruption.label.startswith("rainstorm")]
    assert len(rain) == 1
    d = rain[0]
    # 50 mm at 20 mm/h: 2.5 h after the start; reopens 4 h after the 6-h storm.
    assert d.start == pytest.approx(120 + 150)
    assert d.end == pytest.approx(120 + 360 + 240)
    assert math.isinf(d.disruption.factor) and d.incident == -1
    geo = Geography(county)
    edges = np.asarray(d.disruption.edges)
    cx, cy = geo.xy[geo.centre]
    _, _, mid, _, _ = geo._edge_geom
    assert np.all(np.hypot(*(mid[edges] - [cx, cy]).T) <= 5000)
    assert np.all(geo.road_set("low_lying")[edges])
    # ... and it closes all of them.
    inside = np.flatnonzero((np.hypot(*(mid - [cx, cy]).T) <= 5000) & geo.road_set("low_lying"))
    assert set(edges) == set(inside)


def test_light_rain_closes_nothing(county, catalogue):
    ev = {
        "type": "rainstorm",
        "start_h": 0,
        "duration_h": 2,
        "intensity_mm_h": 10,
        "closure_mm": 50,
        "extra_per_day": {},
        "rate_multiplier": {},
    }
    assert run(county, catalogue, [ev]).disruptions == ()


def test_rainstorm_rates_inside_the_footprint(small, catalogue):
    ev = {
        "type": "rainstorm",
        "at": "centre",
        "radius_m": 4000,
        "start_h": 1,
        "duration_h": 9,
        "intensity_mm_h": 45,
        "lag_h": 3,
        "extra_per_day": {"waterlogging": 60},
        "rate_multiplier": {"traffic_accident": 3.0},
        "closure_mm": 1e6,
    }
    geo = Geography(small)
    cx, cy = geo.xy[geo.centre]
    no_roads = {"hazards": {"waterlogging": {"roads": []}, "traffic_accident": {"roads": []}}}
    wl, ta = [], []
    reps = 150
    for seed in range(reps):
        st = run(
            small,
            catalogue,
            [ev],
            hours=24,
            seed=seed,
            overrides=no_roads,
            rates={"traffic_accident": 10.0},
        )
        sel = st.hazard == "waterlogging"
        d = np.hypot(geo.xy[st.node[sel], 0] - cx, geo.xy[st.node[sel], 1] - cy)
        assert np.all(d <= 4000)
        assert np.all((st.time[sel] >= 60) & (st.time[sel] <= 60 + 12 * 60))
        wl.append(int(sel.sum()))
        ta.append(int((st.hazard == "traffic_accident").sum()))
    mu_wl = 60 * 45 / 30 * 12 / 24
    assert abs(np.mean(wl) - mu_wl) < 4 * np.sqrt(mu_wl / reps)
    # Extra crashes: (m - 1) * I/I_ref times the background in the footprint while it rains.
    w = geo.hazard_weights(weight="roads")
    share = w[geo.nodes_within(cx, cy, 4000)].sum()
    prof = catalogue.profile("traffic")
    extra = 10.0 / 24 * prof[1:13].sum() * (3 - 1) * 1.5 * share
    mu_ta = 10.0 + extra
    assert abs(np.mean(ta) - mu_ta) < 4 * np.sqrt(mu_ta / reps)


def test_earthquake_closures_stay_in_the_footprint_and_aftershocks_follow_omori(small, catalogue):
    eq = {"type": "earthquake", "at": "centre", "time_h": 0, "magnitude": 6.5, "footprint_g": 0.15}
    spec_eq = Earthquake.from_dict(eq)
    radius = spec_eq.footprint_km() * 1000
    assert pga_g(6.5, np.array([radius / 1000]), 10.0)[0] == pytest.approx(0.15, rel=1e-6)
    geo = Geography(small)
    cx, cy = geo.xy[geo.centre]
    days = 10.0
    counts, times = [], []
    for seed in range(60):
        st = run(small, catalogue, [eq], hours=24 * days, seed=seed)
        main = np.flatnonzero((st.hazard == "earthquake") & (st.parent == -1))
        assert main.size == 1 and st.time[main[0]] == 0.0
        assert np.all(st.parent[st.parent >= 0] == main[0])
        quake = [d for d in st.disruptions if d.disruption.label == "earthquake: road damage"]
        for d in quake:
            assert d.incident == main[0]
            assert seg_dist(small, cx, cy, d.disruption.edges).max() <= radius + 1e-6
            assert (d.end - d.start) % 360 == 0
        after = (st.hazard == "earthquake") & (st.parent >= 0)
        counts.append(int(after.sum()))
        times.extend(st.time[after] / 1440)
    mu = spec_eq.expected_aftershocks(days)
    assert abs(np.mean(counts) - mu) < 4 * np.sqrt(mu / len(counts))
    p, c = spec_eq.omori_p, spec_eq.omori_c_days

    def cdf(t):
        return (c ** (1 - p) - (t + c) ** (1 - p)) / (c ** (1 - p) - (days + c) ** (1 - p))

    assert stats.kstest(times, cdf).pvalue > 1e-3


def test_earthquake_closes_roads_in_both_directions(county, catalogue):
    eq = {"type": "earthquake", "at": "centre", "time_h": 1, "magnitude": 6.5, "aftershocks": False}
    st = run(county, catalogue, [eq], hours=12)
    closed = set()
    for d in st.disruptions:
        if d.disruption.label == "earthquake: road damage":
            closed |= set(d.disruption.edges)
    assert closed
    e = county.edges
    pairs = {(int(e.u[i]), int(e.v[i])) for i in closed}
    assert all((v, u) in pairs for u, v in pairs if ((e.u == v) & (e.v == u)).any())


def test_quake_grades_follow_the_national_table():
    assert [quake_grade(m, True) for m in (6.0, 5.5, 4.5, 3.9)] == [1, 2, 3, 4]
    assert [quake_grade(m, False) for m in (7.1, 6.5, 5.0, 4.2)] == [1, 2, 3, 4]


def test_chemical_leak_sets_an_isolation_zone(county, catalogue):
    ev = {"type": "chemical_leak", "time_h": 3, "grade": 2, "isolation_m": 800, "isolation_h": 12}
    st = run(county, catalogue, [ev], hours=24, depth=2)
    leak = np.flatnonzero((st.hazard == "hazmat_leak") & (st.parent == -1))
    assert leak.size == 1
    i = int(leak[0])
    assert st.grade[i] == 2 and st.time[i] == 180.0
    geo = Geography(county)
    assert st.node[i] in geo.sources["chemical_plant"]
    zones = [d for d in st.disruptions if d.incident == i]
    assert len(zones) == 1, "the event's zone replaces the catalogue's isolation rule"
    z = zones[0]
    assert z.disruption.label == "isolation: hazmat_leak" and math.isinf(z.disruption.factor)
    assert (z.start, z.end) == (180.0, 180.0 + 720.0)
    x, y = geo.xy[st.node[i]]
    d = seg_dist(county, x, y, z.disruption.edges)
    assert d.max() <= 800 + 1e-6
    assert set(z.disruption.edges) == set(geo.edges_within(x, y, 800))


def test_catalogue_road_rules_stay_within_their_radius(county, catalogue):
    st = run(
        county, catalogue, [], hours=72, rates={"hazmat_leak": 20.0, "waterlogging": 20.0}, depth=0
    )
    geo = Geography(county)
    assert st.disruptions
    for d in st.disruptions:
        h, g = st.hazard[d.incident], int(st.grade[d.incident])
        rule = next(r for r in catalogue[h].roads if d.disruption.label.startswith(r.label))
        x, y = geo.xy[st.node[d.incident]]
        assert seg_dist(county, x, y, d.disruption.edges).max() <= rule.radius_m[g - 1] + 1e-6
        assert d.start == st.time[d.incident]
        if rule.along != "any":
            assert np.all(geo.road_set(rule.along)[list(d.disruption.edges)])


def test_typhoon_slows_roads_under_its_eye(small, catalogue):
    ev = {
        "type": "typhoon",
        "path_from": "bbox:1,0",
        "path_to": "bbox:0,1",
        "start_h": 2,
        "duration_h": 6,
        "radius_m": 5000,
        "wind_per_day": 200,
        "extra_per_day": {},
        "rate_multiplier": {},
    }
    st = run(small, catalogue, [ev], hours=12)
    slow = [d for d in st.disruptions if d.disruption.label == "typhoon: wind and debris"]
    assert [d.start for d in slow] == [120.0 + 60 * k for k in range(len(slow))]
    geo = Geography(small)
    x0, y0 = geo.xy.min(0)
    x1, y1 = geo.xy.max(0)
    pa = geo.xy[geo.tree.query([x1, y0])[1]]
    pb = geo.xy[geo.tree.query([x0, y1])[1]]
    assert len(slow) == 6
    for d in slow:
        k = int((d.start - 120) // 60)
        c = pa + (k + 0.5) / 6 * (pb - pa)  # the eye at the middle of hour k
        assert seg_dist(small, *c, d.disruption.edges).max() <= 5000 + 1e-6
        assert d.disruption.factor == 1.5
    wind = st.hazard == "typhoon"
    assert wind.any() and np.all((st.time[wind] >= 120) & (st.time[wind] <= 480))
    # Flooding: 25 mm/h needs two hours under the eye to reach closure_mm = 50.
    flood = [d for d in st.disruptions if d.disruption.label.startswith("typhoon: low-lying")]
    assert flood
    _, _, mid, _, _ = geo._edge_geom
    centres = np.array([pa + (k + 0.5) / 6 * (pb - pa) for k in range(6)])
    for d in flood:
        e = np.asarray(d.disruption.edges)
        assert np.all(geo.road_set("low_lying")[e])
        hours_under = (
            np.hypot(*(mid[e][:, None, :] - centres[None]).transpose(2, 0, 1)) <= 5000
        ).sum(axis=1)
        assert np.all(hours_under >= 2)
        assert d.start >= 240 and d.end == 480 + 6 * 60


def test_quake_collapses_and_fires_match_their_expected_counts(small, catalogue):
    from scenarios.events import fragility

    eq = {
        "type": "earthquake",
        "at": "centre",
        "time_h": 0,
        "magnitude": 6.8,
        "aftershocks": False,
        "collapse_per_node": 0.2,
        "fire_per_node": 1.0,
    }
    geo = Geography(small)
    spec_eq = Earthquake.from_dict(eq)
    d_km = np.hypot(*(geo.xy - geo.xy[geo.centre]).T) / 1000
    pga = pga_g(6.8, d_km, spec_eq.depth_km)
    pga = np.where(pga >= spec_eq.footprint_g, pga, 0)
    lam_c = 0.2 * geo.population * fragility(pga, 0.35, 0.6)
    lam_f = 1.0 * geo.population * np.maximum(0, 0.5819 * pga**2 - 0.0294 * pga)
    near = d_km <= np.median(d_km)
    nc, nf, nc_near = [], [], []
    reps = 80
    for seed in range(reps):
        st = run(small, catalogue, [eq], hours=48, seed=seed)
        kids = st.parent >= 0
        col = kids & (st.hazard == "building_collapse")
        nc.append(int(col.sum()))
        nc_near.append(int(near[st.node[col]].sum()))
        nf.append(int((kids & (st.hazard == "building_fire")).sum()))
    for obs, lam in ((nc, lam_c.sum()), (nf, lam_f.sum()), (nc_near, lam_c[near].sum())):
        assert abs(np.mean(obs) - lam) < 4 * np.sqrt(lam / reps), (np.mean(obs), lam)
    # Distance decay: per unit of population, the nearer half is hit harder.
    far = np.mean(nc) - np.mean(nc_near)
    assert np.mean(nc_near) / geo.population[near].sum() > 1.5 * far / geo.population[~near].sum()


def test_staging_nodes_lie_outside_the_isolation_zone(county, catalogue):
    from scenarios.zones import isolation_zones, staging_nodes

    ev = {
        "type": "chemical_leak",
        "time_h": 1,
        "grade": 1,
        "at": "centre",
        "isolation_m": 600,
        "isolation_h": 6,
    }
    st = run(county, catalogue, [ev], hours=12)
    z = isolation_zones(st)
    assert z["incident"].size == 1 and st.hazard[z["incident"][0]] == "hazmat_leak"
    stage = staging_nodes(st, county)
    d = st.disruptions[z["row"][0]].disruption
    state = county.under([d])
    scene = st.node[z["incident"][0]]
    town = next(m.node for m in county.landmarks if m.kind == "township")
    t = state.travel_times([town])[0]
    assert np.isinf(t[scene]), "the scene is inside the closed zone"
    assert np.isfinite(t[stage[0]]), "the staging node is reachable on open roads"
    e = county.edges
    assert stage[0] not in set(e.u[list(d.edges)]) | set(e.v[list(d.edges)])


def test_protective_zone_lies_downwind_outside_the_isolation_zone(county, catalogue):
    ev = {
        "type": "chemical_leak",
        "time_h": 1,
        "grade": 2,
        "at": "centre",
        "isolation_m": 500,
        "isolation_h": 4,
        "wind_from_deg": 270,
        "protective_m": 2500,
    }  # wind from the west
    st = run(county, catalogue, [ev], hours=8)
    leak = int(np.flatnonzero((st.hazard == "hazmat_leak") & (st.parent == -1))[0])
    by_label = {d.disruption.label: d for d in st.disruptions if d.incident == leak}
    iso, pro = by_label["isolation: hazmat_leak"], by_label["protective: hazmat_leak"]
    assert (pro.start, pro.end) == (iso.start, iso.end) and pro.disruption.factor == 3.0
    assert not set(pro.disruption.edges) & set(iso.disruption.edges)
    geo = Geography(county)
    _, _, mid, _, _ = geo._edge_geom
    v = mid[list(pro.disruption.edges)] - geo.xy[st.node[leak]]
    # Downwind is east: every midpoint within 2.5 km and 30 degrees of due east.
    assert np.all(np.hypot(*v.T) <= 2500)
    assert np.all(np.abs(np.degrees(np.arctan2(v[:, 1], v[:, 0]))) <= 30 + 1e-9)
    assert len(pro.disruption.edges) > 10


def test_protective_zone_needs_the_wind(tmp_path):
    from networks.errors import ConfigError

    with pytest.raises(ConfigError, match=r"events\[0\]\.wind_from_deg"):
        ScenarioSpec.from_dict(
            {
                "name": "x",
                "duration_h": 1,
                "events": [{"type": "chemical_leak", "time_h": 0, "protective_m": 100}],
            },
            source="s.toml",
        )


def test_a_hazard_source_missing_from_the_network_is_named(small, catalogue):
    from networks.errors import ConfigError

    over = {"hazards": {"mine_accident": {"source": "volcano"}}}
    with pytest.raises(ConfigError, match=r"hazards\.mine_accident\.source: no hazard sources"):
        run(small, catalogue, [], rates={"mine_accident": 1.0}, overrides=over)
    # ... unless the region gives them.
    s = ScenarioSpec.from_dict(
        {
            "name": "x",
            "duration_h": 24,
            "overrides": over,
            "background": {"rates": {"mine_accident": 100.0}},
        }
    )
    st = generate_stream(
        s, small, rng=np.random.default_rng(0), catalogue=catalogue, sources={"volcano": [3]}
    )
    geo = Geography(small, sources={"volcano": [3]})
    assert np.median(geo.distance_to("volcano")[st.node]) < np.median(geo.distance_to("volcano"))
