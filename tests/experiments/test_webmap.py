"""The interactive map's page and data, without a browser (test_webmap_browser.py opens it)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import webmap_layers as wl
from experiments.cli import main
from networks import i18n
from tests.conftest import REPO, read_csv
from tests.experiments.webmap_pages import (
    COUNTY,
    SITING,
    layer,
    minutes,
    page_data,
    run_with_map,
    site_with_map,
)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    return run_with_map(tmp_path_factory.mktemp("webmap-run"))


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory):
    return site_with_map(tmp_path_factory.mktemp("webmap-site"))


def test_map_is_written_only_with_the_flag(run_folder, tmp_path):
    assert (run_folder / "map.html").is_file()
    plain = tmp_path / "plain"
    assert main(["run", str(COUNTY), "--replications", "1", "--no-plots", "--quiet",
                 "--out", str(plain)]) == 0  # fmt: skip
    assert not (plain / "map.html").exists()


@pytest.mark.parametrize("page", ["run", "site"])
def test_page_fetches_nothing_from_the_network(page, run_folder, site_folder):
    path = run_folder / "map.html" if page == "run" else site_folder / "stations" / "map.html"
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"https?:|ftp:|//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I)
    # Nothing that loads a resource: no src/href attributes, CSS imports or urls, requests.
    loaders = (r"\bsrc\s*=", r"\bhref\s*=", r"@import", r"url\(", r"\bfetch\(", r"WebSocket",
               r"XMLHttpRequest", r"\bimport\(", r"<link\b", r"<iframe\b")  # fmt: skip
    for pattern in loaders:
        assert not re.search(pattern, text), pattern
    assert text.count("<script") == 2  # the data and the renderer, both inline


def test_embedded_data_holds_every_incident_with_its_arrival(run_folder):
    data = page_data(run_folder / "map.html")
    rows = read_csv(run_folder / "records" / "rep-000" / "incidents.csv")
    points = layer(data, "incidents")["points"]
    assert [p["id"] for p in points] == [int(r["id"]) for r in rows]
    for p, r in zip(points, rows, strict=True):
        arrival = minutes(r["first_arrival"]) - minutes(r["call_taken"])
        if math.isnan(arrival):
            assert p["v"] is None and p["c"] == wl.NONE_COLOUR
        else:
            assert p["v"] == pytest.approx(arrival, abs=1e-3)
        assert p["g"] == (0 if r["served"] == "true" else 1)
        served = dict(p["popup"])["full complement on scene"]
        assert served.startswith("yes" if r["served"] == "true" else "no")
    assert data["replication"] == 0 and data["replications"] == 2
    assert "replication 0 shown (of replications 0 to 1)" in data["subtitle"]


def test_stations_and_depots_are_those_of_the_region(run_folder):
    from experiments.config import RunConfig

    region = RunConfig.from_file(COUNTY).region()
    data = page_data(run_folder / "map.html")
    assert len(layer(data, "depots")["points"]) == len(region.depots)
    # The stations of the region, and the provincial reinforcement of examples/county.toml.
    assert len(layer(data, "stations")["points"]) == len(region.stations) + 1


def test_closures_are_those_of_the_replication_drawn_again(run_folder):
    from experiments.config import RunConfig
    from experiments.runner import draw_incidents, replication_seeds

    cfg = RunConfig.from_file(COUNTY)
    region = cfg.region()
    seed = replication_seeds(cfg.seed, 0)[0]
    stream = draw_incidents(cfg, region, rng=np.random.default_rng(seed))
    rows = read_csv(run_folder / "records" / "rep-000" / "incidents.csv")
    assert np.allclose(stream.time, [float(r["call"]) for r in rows])  # the same replication
    items = layer(page_data(run_folder / "map.html"), "closures")["items"]
    assert [(it["start"], it["end"]) for it in items] == [
        (round(d.start, 2), round(d.end, 2)) for d in stream.disruptions
    ]
    assert [it["closed"] for it in items] == [bool(np.isinf(d.disruption.factor))
                                              for d in stream.disruptions]  # fmt: skip


@given(st.lists(st.tuples(st.floats(0, 500), st.floats(0.01, 300)), min_size=1, max_size=12))
def test_the_slider_starts_when_most_closures_are_in_force(spans):
    items = [{"start": s, "end": s + d} for s, d in spans]

    def active(t: float) -> int:
        return sum(it["start"] <= t < it["end"] for it in items)

    t = wl.busiest_time(items, 0.0)
    # The number in force changes only at a start or an end: those instants are every case.
    instants = {it["start"] for it in items} | {it["end"] for it in items}
    most = max(active(s) for s in instants)
    assert active(t) == most
    # On a whole minute (the slider's step) wherever one has that many in force.
    if any(active(math.ceil(s)) == most for s in instants):
        assert t == int(t)
        assert all(active(m) < most for m in range(math.ceil(min(instants)), int(t)))


@settings(max_examples=25, deadline=None)
@given(budget=st.integers(1, 4000))
def test_roads_are_thinned_to_the_budget_on_a_power_of_two_grid(county, budget):
    origin, extent = wl.frame(county)
    roads = wl.thin_roads(county, origin=origin, max_segments=budget)
    n = len(roads.edge)
    assert n <= budget
    assert math.log2(roads.cell).is_integer()
    if roads.cell > 1:  # the grid half as coarse would not have fitted
        finer = wl.thin_roads(county, origin=origin, max_segments=n)
        assert finer.cell == roads.cell
    xy = roads.xy.reshape(-1, 2, 2)
    assert (xy[:, 0] != xy[:, 1]).any(axis=1).all()  # no segment collapsed to a point
    undirected = {tuple(sorted([(a, b), (c, d)])) for a, b, c, d in roads.xy.tolist()}
    assert len(undirected) == n  # and none drawn twice
    assert (roads.xy >= 0).all()
    assert (roads.xy[:, [0, 2]] <= math.ceil(extent[0] / roads.cell) + 1).all()


def test_a_budget_above_the_roads_keeps_every_road_once(county):
    origin, _extent = wl.frame(county)
    roads = wl.thin_roads(county, origin=origin, max_segments=10**6)
    u, v = county.edges.u, county.edges.v
    pairs = {(min(a, b), max(a, b)) for a, b in zip(u.tolist(), v.tolist(), strict=True)}
    assert roads.cell == 1.0
    assert len(roads.edge) == roads.total == len(pairs)


def test_the_faster_road_wins_where_two_fall_together(county):
    origin, _extent = wl.frame(county)
    roads = wl.thin_roads(county, origin=origin, max_segments=400)
    assert roads.cell > 1
    e, nd = county.edges, county.nodes
    gx = np.rint((nd.x - origin[0]) / roads.cell).astype(int)
    gy = np.rint((nd.y - origin[1]) / roads.cell).astype(int)
    rank = {c: k for k, c in enumerate(roads.classes)}
    best: dict[tuple, int] = {}
    for a, b, h in zip(e.u.tolist(), e.v.tolist(), e.highway.tolist(), strict=True):
        key = tuple(sorted([(gx[a], gy[a]), (gx[b], gy[b])]))
        k = rank[str(h).removesuffix("_link")]
        best[key] = min(best.get(key, k), k)
    for (x1, y1, x2, y2), c in zip(roads.xy.tolist(), roads.cls.tolist(), strict=True):
        assert best[tuple(sorted([(x1, y1), (x2, y2)]))] == c


@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.one_of(st.floats(0, 100), st.just(math.inf)), min_size=1, max_size=300),
       most=st.integers(1, 50), data=st.data())  # fmt: skip
def test_thinned_points_keep_the_slowest(values, most, data):
    n = len(values)
    x = np.array(data.draw(st.lists(st.integers(0, 5000), min_size=n, max_size=n)))
    y = np.array(data.draw(st.lists(st.integers(0, 5000), min_size=n, max_size=n)))
    v = np.array(values)
    rows, cell = wl.thin_points(x, y, v, max_points=most)
    assert rows.size <= most and np.all(np.diff(rows) > 0)
    assert v[rows].max() == v.max()  # the worst point is never hidden
    if n <= most:
        assert cell == 0 and rows.size == n


@settings(max_examples=15, deadline=None)
@given(sources=st.lists(st.integers(0, 2229), min_size=1, max_size=5))
def test_a_segment_lies_in_the_first_band_both_its_ends_reach(county, sources):
    origin, _extent = wl.frame(county)
    roads = wl.thin_roads(county, origin=origin, max_segments=10**6)
    bands = (5.0, 10.0, 15.0)
    mins = wl.nearest_minutes(county, sources, limit_min=bands[-1])
    band = wl.segment_bands(roads, county, mins, bands)
    worst = np.maximum(mins[county.edges.u[roads.edge]], mins[county.edges.v[roads.edge]])
    edges = np.array([0.0, *bands, math.inf])
    assert np.all(worst[band < len(bands)] <= edges[1:-1][band[band < len(bands)]])
    assert np.all((worst > edges[band]) | (band == 0))  # beyond the band before
    assert np.all(band[np.isin(county.edges.u[roads.edge], sources)
                       & np.isin(county.edges.v[roads.edge], sources)] == 0)  # fmt: skip


def test_site_map_shows_the_proposed_sites_and_the_demand(site_folder):
    import json

    folder = site_folder / "stations"
    data = page_data(folder / "map.html")
    rows = read_csv(folder / "sites.csv")
    cov = json.loads((folder / "coverage.json").read_text())
    shown = sorted((p["node"], p["status"]) for p in layer(data, "proposed")["points"])
    assert shown == sorted(
        (int(r["node"]), r["status"]) for r in rows if r["status"] in ("kept", "fixed", "new")
    )
    closed = {int(r["node"]) for r in rows if r["status"] in ("closed", "merged")}
    assert {p["node"] for p in layer(data, "current")["points"]} == closed
    demand = layer(data, "demand")["points"]
    assert len(demand) == cov["sizes"]["demand_points"]
    # Coloured by minutes to the nearest proposed site: the worst is the "after" worst.
    worst = max(math.inf if p["v"] is None else p["v"] for p in demand)
    assert worst == pytest.approx(cov["after"]["max_min"], abs=1e-3)
    assert data["attribution"] is None  # the built-in county is not OpenStreetMap's
    # The other tiers' sites by name (the city's station), not only "other tiers"; the
    # title by the task's name as a person reads it.
    others = {p["name"] for p in layer(data, "other_tiers")["points"]}
    assert others and "other tiers" not in others and all("Station" in n for n in others)
    assert data["title"].startswith("stations: ")


def test_osm_roads_are_credited():
    from experiments.config import RunConfig
    from experiments.webmap import osm_network

    assert osm_network(RunConfig.from_file(REPO / "examples" / "shanghai" / "run.toml"))
    assert not osm_network(RunConfig.from_file(COUNTY))


def test_a_map_of_osm_roads_credits_openstreetmap(tmp_path):
    from experiments.config import RunConfig
    from experiments.siting.plan import site
    from experiments.siting.proposal import proposed_region
    from experiments.siting.task import read_tasks
    from experiments.webmap import write_site_map
    from scenarios.validate import read_toml

    raw = read_toml(SITING)
    cfg = RunConfig.from_dict(raw, source=str(SITING), base_dir=SITING.parent)
    region = cfg.region()
    (task,) = read_tasks(raw, source=str(SITING), base_dir=SITING.parent, only=["stations"])
    result = site(task, cfg, region)
    proposed = proposed_region(result, region)
    credited = write_site_map(result, proposed, tmp_path / "osm.html", osm=True)
    assert page_data(credited)["attribution"] == "© OpenStreetMap contributors"
    assert "OpenStreetMap" in credited.read_text(encoding="utf-8")
    plain = write_site_map(result, proposed, tmp_path / "plain.html", osm=False)
    assert "OpenStreetMap" not in plain.read_text(encoding="utf-8")


def test_page_speaks_the_runs_language(tmp_path):
    assert main(["--lang", "zh", "run", str(COUNTY), "--replications", "1", "--no-plots",
                 "--quiet", "--map", "--out", str(tmp_path)]) == 0  # fmt: skip
    with i18n.language("zh"):
        stations = i18n._("stations")
    text = (tmp_path / "map.html").read_text(encoding="utf-8")
    data = page_data(tmp_path / "map.html")
    assert '<html lang="zh-CN">' in text and data["lang"] == "zh"
    assert layer(data, "stations")["label"] == stations != "stations"
    assert re.search(r"[\u4e00-\u9fff]", layer(data, "isochrones")["bands"][0]["label"])
    grade = layer(data, "incidents")["points"][0]["popup"][1][1]  # grade IV (general)
    assert re.search(r"[\u4e00-\u9fff]", grade)


def test_a_smaller_road_budget_gives_a_smaller_page(tmp_path):
    from experiments.config import RunConfig
    from experiments.runner import run_replication
    from experiments.webmap import write_run_map

    cfg = RunConfig.from_file(COUNTY)
    region = cfg.region()
    results = [run_replication(cfg, replication=0, region=region)]
    full = write_run_map(cfg, region, results, tmp_path / "full.html")
    small = write_run_map(cfg, region, results, tmp_path / "small.html", max_segments=300)
    data = page_data(small)
    assert len(data["roads"]["cls"]) <= 300 < page_data(full)["roads"]["total"]
    assert small.stat().st_size < full.stat().st_size
    assert any("road segments drawn" in note for note in data["notes"])


def test_a_dated_logs_map_runs_on_the_logs_clock(tmp_path):
    """The first call of a log that starts at 07:09 is at day 1 07:09 on the map."""
    lines = (REPO / "examples" / "replay" / "county_log.csv").read_text("utf-8-sig").splitlines()
    cols = lines[0].split(",")[:5]
    log = tmp_path / "log.csv"
    log.write_text("\n".join(",".join(r.split(",")[:5]) for r in lines[:21]) + "\n")
    first = min(r.split(",")[cols.index("time")] for r in lines[1:21])
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(
        '[network]\nsynthetic = "county"\n[facilities]\nstations = "default"\n'
        'depots = "default"\n[scenario]\nname = "typical_week"\nincidents = "log.csv"\n'
        "[run]\nseed = 1\nreplications = 1\n"
    )
    out = tmp_path / "out"
    with i18n.language("en"):
        assert main(["run", str(cfg), "--map", "--no-plots", "--quiet", "--out", str(out)]) == 0
    data = page_data(out / "map.html")
    clock = round(int(first[11:13]) * 60 + int(first[14:16]) + int(first[17:19]) / 60)
    calls = [dict(p["popup"])["call"] for p in layer(data, "incidents")["points"]]
    assert min(calls) == f"day 1 {clock // 60:02d}:{clock % 60:02d}"  # not the scenario's 00:00


@pytest.mark.parametrize(
    ("weight", "shown"),
    [(0.947359, "0.947"), (1.0, "1"), (110.22312523088289, "110"), (12345.6, "12,346"),
     (0.0, "0")],
)  # fmt: skip
def test_demand_weights_read_as_people_read_them(weight, shown):
    """A relative weight to three digits (not 0.947359), a head count whole (not 1.23e+04)."""
    from experiments.webmap_site import _weight

    assert _weight(weight) == shown
