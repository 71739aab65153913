"""Your own incidents: a log read row by row, every mistake named by row and column."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from networks.errors import ConfigError
from scenarios import IncidentStream, generate_stream, load_catalogue, load_scenario
from scenarios.export import write_stream_csv
from scenarios.generate import STREAMS
from scenarios.incident_log import IncidentLog

FIXTURES = [HealthCheck.function_scoped_fixture]
CAT = load_catalogue()
HAZARDS = ["building_fire", "traffic_accident", "waterlogging", "hazmat_leak"]


def base_rows(net, n: int, seed: int = 0) -> dict[str, list[str]]:
    """A valid log of ``n`` rows as CSV cells (text), placed by lon/lat on ``net``."""
    rng = np.random.default_rng(seed)
    nodes = rng.choice(net.n_nodes, size=n, replace=False)
    return {
        "id": [str(10 + i) for i in range(n)],
        "time": [f"{t:.3f}" for t in np.sort(rng.uniform(0, 600, n))],
        "lon": [f"{net.nodes.lon[k]:.7f}" for k in nodes],
        "lat": [f"{net.nodes.lat[k]:.7f}" for k in nodes],
        "node": [""] * n,
        "hazard": [HAZARDS[i % len(HAZARDS)] for i in range(n)],
        "grade": [str(1 + i % 4) for i in range(n)],
        "teams": [""] * n,
        "control_work": [""] * n,
        "parent": ["-1"] * n,
    }


def write_csv(path, cols: dict[str, list[str]]):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        w.writerows(zip(*cols.values(), strict=True))
    return path


# ------------------------------------------------------------ round trip
def test_what_sample_writes_reads_back_unchanged(county, tmp_path):
    from experiments.cli import main

    out = tmp_path / "inc.csv"
    assert main(["scenario", "sample", "rainstorm_72h", "--seed", "1", "-o", str(out)]) == 0
    drawn = generate_stream(load_scenario("rainstorm_72h"), county, rng=np.random.default_rng(1))
    back = IncidentStream.from_csv(out, county, disruptions=tmp_path / "inc.disruptions.csv")
    assert len(back) == len(drawn) > 0
    np.testing.assert_allclose(back.time, drawn.time, atol=1e-6)
    for name in ("node", "hazard", "grade", "category", "parent", "requirement"):
        np.testing.assert_array_equal(getattr(back, name), getattr(drawn, name), err_msg=name)
    np.testing.assert_allclose(back.control_work, drawn.control_work, atol=1e-6)
    np.testing.assert_allclose(back.clear_work, drawn.clear_work, atol=1e-6)
    assert [d.disruption for d in back.disruptions] == [d.disruption for d in drawn.disruptions]
    assert [d.incident for d in back.disruptions] == [d.incident for d in drawn.disruptions]


def test_a_shuffled_log_is_the_same_stream(small, tmp_path):
    drawn = generate_stream(load_scenario("typical_week"), small, rng=np.random.default_rng(4))
    path, _ = write_stream_csv(drawn, small, tmp_path / "a.csv")
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1:] = rows[1:][::-1]
    with open(tmp_path / "b.csv", "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    a = IncidentStream.from_csv(path, small)
    b = IncidentStream.from_csv(tmp_path / "b.csv", small)

    def incidents(s):  # each incident with its parent's time: the same whatever the order
        par = [s.time[p] if p >= 0 else -1.0 for p in s.parent]
        return sorted(zip(s.time, s.node, s.hazard, s.grade, s.control_work, par, strict=True))

    assert len(a) == len(drawn) > 0
    assert incidents(a) == incidents(b)


# ------------------------------------------------------------- bad rows
#: Kinds of mistakes: column, what to write, whether it needs another row first.
BAD = {
    "hazard": ("hazard", lambda net, rows, k: "alien_invasion"),
    "grade": ("grade", lambda net, rows, k: "9"),
    "grade_word": ("grade", lambda net, rows, k: "catastrophic"),
    "time": ("time", lambda net, rows, k: "-5"),
    "time_text": ("time", lambda net, rows, k: "yesterday"),
    "time_empty": ("time", lambda net, rows, k: ""),
    "lon_range": ("lon", lambda net, rows, k: "200"),
    "off_network": ("lon", lambda net, rows, k: f"{float(rows['lon'][k]) + 1.0:.6f}"),
    "node": ("node", lambda net, rows, k: str(net.n_nodes + 5)),
    "node_disagrees": ("lon", None),
    "teams": ("teams", lambda net, rows, k: "dragons:2"),
    "teams_count": ("teams", lambda net, rows, k: "fire:x"),
    "work": ("control_work", lambda net, rows, k: "-1"),
    "duplicate_id": ("id", lambda net, rows, k: rows["id"][0]),
    "parent": ("parent", lambda net, rows, k: "999999"),
}


def _spoil(net, rows, kind: str, k: int) -> str:
    col, value = BAD[kind]
    if kind == "node_disagrees":  # a node beside lon/lat of another place
        far = int(np.argmax(np.hypot(net.nodes.x - net.nodes.x[0], net.nodes.y - net.nodes.y[0])))
        rows["node"][k] = str(far if abs(float(rows["lon"][k]) - net.nodes.lon[far]) > 1e-4 else 0)
        return col
    rows[col][k] = value(net, rows, k)
    return col


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(n=st.integers(2, 6), data=st.data(), kind=st.sampled_from(sorted(BAD)), as_csv=st.booleans())
def test_each_bad_row_is_named_by_its_row_and_column(small, tmp_path, n, data, kind, as_csv):
    k = data.draw(st.integers(1 if kind == "duplicate_id" else 0, n - 1), label="bad row")
    rows = base_rows(small, n)
    col = _spoil(small, rows, kind, k)
    with pytest.raises(ConfigError) as info:
        if as_csv:
            IncidentLog.from_csv(write_csv(tmp_path / "log.csv", rows), small)
        else:
            IncidentLog.from_frame(rows, small, catalogue=CAT, source="frame")
    text = str(info.value)
    assert "\n" not in text
    if as_csv:  # the header is row 1, as a spreadsheet shows it
        assert text.startswith(f"{tmp_path / 'log.csv'}: row {k + 2}, column {col}: "), text
    else:
        assert text.startswith(f"frame: row {k}, column {col}: "), text


@settings(max_examples=15, deadline=None, suppress_health_check=FIXTURES)
@given(n=st.integers(3, 6), data=st.data())
def test_the_first_bad_row_is_reported(small, n, data):
    a, b = sorted(data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
    rows = base_rows(small, n)
    rows["grade"][b] = "V"
    rows["lon"][a] = "-179.5"  # off the network, found only once every row is read
    with pytest.raises(ConfigError, match=f"row {b}, column grade"):
        IncidentLog.from_frame(rows, small, catalogue=CAT, source="f")
    rows["grade"][b] = "II"
    with pytest.raises(ConfigError, match=f"row {a}, column lon"):
        IncidentLog.from_frame(rows, small, catalogue=CAT, source="f")


def test_a_data_frame_names_rows_by_its_index(small):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(base_rows(small, 3), index=[101, 102, 103])
    frame.loc[102, "hazard"] = "meteor"
    with pytest.raises(ConfigError, match=r"^<frame>: row 102, column hazard: unknown hazard"):
        IncidentStream.from_frame(frame, small, rng=0)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"grade": None}, "grade"),
        ({"bogus": ["1", "2"]}, "bogus"),
        ({"lon": None}, "row 1"),
        ({"teams_needed": ["1", "1"]}, "teams_needed"),
    ],
)
def test_bad_columns_are_named(small, tmp_path, change, key):
    rows = base_rows(small, 2)
    for col, v in change.items():
        if v is None:
            rows.pop(col)
            if col == "lon":
                rows.pop("lat"), rows.pop("node")
        else:
            rows[col] = v
    with pytest.raises(ConfigError, match=key):
        IncidentLog.from_csv(write_csv(tmp_path / "c.csv", rows), small)


# --------------------------------------------------------- cells in detail
@pytest.mark.parametrize(
    ("cell", "grade"),
    [("I", 1), ("ii", 2), ("Ⅲ级", 3), ("IV级", 4), ("2", 2), ("3.0", 3), ("特别重大", 1),
     ("较大", 3), ("一般级", 4), ("grade II", 2), ("major", 2)],
)  # fmt: skip
def test_grades_are_read_in_every_form(small, cell, grade):
    rows = base_rows(small, 1)
    rows["grade"] = [cell]
    assert IncidentLog.from_frame(rows, small, catalogue=CAT).template.grade.tolist() == [grade]


def test_hazards_by_key_and_by_name(small, catalogue):
    h = catalogue["building_fire"]
    rows = base_rows(small, 3)
    rows["hazard"] = ["building_fire", h.name.upper(), h.name_zh]
    assert set(IncidentLog.from_frame(rows, small, catalogue=CAT).template.hazard) == {
        "building_fire"
    }


def test_teams_given_make_their_own_requirement(small, catalogue):
    rows = base_rows(small, 3)
    rows["hazard"] = ["traffic_accident"] * 3
    rows["grade"] = ["4"] * 3
    rows["teams"] = ["", "hazmat:2;medical:1", "5"]
    s = IncidentLog.from_frame(rows, small, catalogue=CAT).template
    need = [s.requirements[r].teams for r in s.requirement]
    default = catalogue["traffic_accident"].requirement(4).teams
    lead = max(default, key=lambda kv: kv[1])[0]
    assert need == [default, (("hazmat", 2), ("medical", 1)), ((lead, 5),)]


def test_mixed_time_kinds_and_offsets_are_refused(small):
    rows = base_rows(small, 3)
    rows["time"] = ["2024-07-01T08:00", "12.5", "2024-07-01T09:00"]
    with pytest.raises(ConfigError, match="row 1, column time: minutes since the start among"):
        IncidentLog.from_frame(rows, small, catalogue=CAT)
    rows["time"] = ["2024-07-01T08:00", "2024-07-01T08:30+08:00", "2024-07-01T09:00"]
    with pytest.raises(ConfigError, match="row 1, column time: date-times with and without"):
        IncidentLog.from_frame(rows, small, catalogue=CAT)
    rows["time"] = ["2024-07-01T08:00"] * 3
    with pytest.raises(ConfigError, match="row 0, column time: .* before the run's start"):
        IncidentLog.from_frame(rows, small, catalogue=CAT, start="2024-07-01T09:00")


# ------------------------------------------------------ times, snapping
@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(
    minutes=st.lists(st.integers(0, 20_000_000).map(lambda ms: ms / 1000), min_size=1, max_size=6),
    offset_h=st.one_of(st.none(), st.integers(-12, 14)),
    lead_min=st.floats(0, 500),
    as_text=st.booleans(),
)
def test_date_times_and_minutes_give_the_same_times(small, minutes, offset_h, lead_min, as_text):
    n = len(minutes)
    rows = base_rows(small, n)
    rows["time"] = [repr(m) for m in minutes]
    by_minutes = IncidentLog.from_frame(rows, small, catalogue=CAT).template
    tz = None if offset_h is None else timezone(timedelta(hours=offset_h))
    start = datetime(2024, 7, 1, 8, 0, tzinfo=tz)
    stamps = [start + timedelta(minutes=m) for m in minutes]
    rows["time"] = [s.isoformat() for s in stamps] if as_text else stamps
    earliest = IncidentLog.from_frame(rows, small, catalogue=CAT).template
    np.testing.assert_allclose(earliest.time, by_minutes.time - min(minutes), atol=1e-6)
    early = start - timedelta(minutes=lead_min)
    given_start = IncidentLog.from_frame(rows, small, catalogue=CAT, start=early).template
    np.testing.assert_allclose(given_start.time, by_minutes.time + lead_min, atol=1e-6)
    np.testing.assert_array_equal(given_start.node, by_minutes.node)


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(node=st.integers(0, 10**6), metres=st.floats(0, 2000), angle=st.floats(0, 2 * np.pi))
def test_a_point_snaps_within_the_limit_and_is_refused_beyond(small, node, metres, angle):
    from pyproj import Transformer
    from scipy.spatial import cKDTree

    limit = 150.0
    k = node % small.n_nodes
    x = small.nodes.x[k] + metres * np.cos(angle)
    y = small.nodes.y[k] + metres * np.sin(angle)
    dist, nearest = cKDTree(np.column_stack([small.nodes.x, small.nodes.y])).query([x, y], k=2)
    assume(abs(dist[0] - limit) > 0.01 and dist[1] - dist[0] > 0.01)  # no knife edges
    lon, lat = Transformer.from_crs(small.crs, "EPSG:4326", always_xy=True).transform(x, y)
    rows = {"time": ["0", "5"], "lon": [repr(lon)] * 2, "lat": [repr(lat)] * 2,
            "hazard": ["building_fire"] * 2, "grade": ["II", "4"]}  # fmt: skip
    rows["lon"][0] = f"{small.nodes.lon[0]:.8f}"
    rows["lat"][0] = f"{small.nodes.lat[0]:.8f}"
    if dist[0] <= limit:
        s = IncidentLog.from_frame(rows, small, catalogue=CAT, max_snap_m=limit).template
        assert s.node.tolist() == [0, int(nearest[0])]
    else:
        with pytest.raises(ConfigError, match=r"row 1, column lon: .* \(at most 150 m allowed\)"):
            IncidentLog.from_frame(rows, small, catalogue=CAT, max_snap_m=limit)


def test_osmid_and_node_place_an_incident(small):
    rows = base_rows(small, 2)
    for c in ("lon", "lat", "node"):
        rows.pop(c)
    rows["osmid"] = [str(int(small.nodes.osmid[7])), str(int(small.nodes.osmid[3]))]
    assert IncidentLog.from_frame(rows, small, catalogue=CAT).template.node.tolist() == [7, 3]
    rows["osmid"][1] = "-424242"
    with pytest.raises(ConfigError, match="row 1, column osmid: node id -424242 is not on"):
        IncidentLog.from_frame(rows, small, catalogue=CAT)


# --------------------------------------------------------- drawn work
def test_work_left_out_is_drawn_from_the_replication_stream_as_documented(small, catalogue):
    rows = base_rows(small, 8)
    rows["control_work"] = ["", "7.5", "", "", "1", "", "", ""]
    log = IncidentLog.from_frame(rows, small, catalogue=catalogue)
    assert log.draws
    s = log.stream(rng=np.random.default_rng(11))
    again = log.stream(rng=11)  # an int seeds the same generator
    np.testing.assert_array_equal(s.control_work, again.control_work)
    other = log.stream(rng=12)
    assert not np.array_equal(s.clear_work, other.clear_work)
    # Exactly the draws generate_stream makes: the "work" child, per hazard and grade sorted.
    work = np.random.default_rng(11).spawn(len(STREAMS))[STREAMS.index("work")]
    control, clear = np.full(len(s), np.nan), np.full(len(s), np.nan)
    for h in sorted(set(s.hazard)):
        for g in (1, 2, 3, 4):
            sel = np.flatnonzero((s.hazard == h) & (s.grade == g))
            if sel.size:
                control[sel] = catalogue[h].control_work(g).sample(work, sel.size)
                clear[sel] = catalogue[h].clear_work(g).sample(work, sel.size)
    given_rows = ~np.isnan(log.control_work)
    np.testing.assert_array_equal(s.control_work[~given_rows], control[~given_rows])
    np.testing.assert_array_equal(s.clear_work, clear)
    assert sorted(s.control_work[given_rows].tolist()) == [1.0, 7.5]


def test_a_log_with_all_its_work_draws_nothing(small):
    rows = base_rows(small, 3)
    rows["control_work"] = ["3", "4", "5"]
    rows["clear_work"] = ["0", "1", "2"]
    log = IncidentLog.from_frame(rows, small, catalogue=CAT)
    assert not log.draws
    a, b = log.stream(rng=1), log.stream(rng=2)
    np.testing.assert_array_equal(a.control_work, [3, 4, 5])
    np.testing.assert_array_equal(a.clear_work, b.clear_work)


def test_an_unknown_hazard_lists_the_names_a_log_may_use_in_the_language_in_use(small):
    from networks.i18n import language

    rows = base_rows(small, 2)
    rows["hazard"][1] = "火山"
    with language("zh"), pytest.raises(ConfigError) as exc:
        IncidentLog.from_frame(rows, small, catalogue=CAT, source="f")
    text = str(exc.value)
    assert "建筑火灾" in text and "道路交通事故" in text and "building_fire" not in text
    with language("en"), pytest.raises(ConfigError) as exc:
        IncidentLog.from_frame(rows, small, catalogue=CAT, source="f")
    assert "building_fire" in str(exc.value)
