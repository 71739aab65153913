"""The team-moves layer of a run's interactive map: its arrows add up the ``moves`` records."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import webmap_moves as wm
from experiments.cli import main
from tests.conftest import read_csv
from tests.experiments.webmap_pages import layer, page_data

#: The county in a typhoon with a warning plan that stages teams and compliance move-up: the
#: records have moves of both reasons.
MOVES_TOML = """\
name = "moves-map"
[network]
synthetic = "county"
[scenario]
name = "typhoon_landfall"
[warnings]
lead_h = 12
orange = { stage_share = 1.0 }
[moveup]
policy = "compliance"
"""


def run_with_moves(out: Path, *extra: str, toml: str = MOVES_TOML) -> Path:
    """``yingji run`` of :data:`MOVES_TOML` (one replication, no plots) with ``--map``."""
    config = out.parent / f"{out.name}.toml"
    config.write_text(toml, encoding="utf-8")
    args = ["run", str(config), "--replications", "1", "--no-plots", "--quiet", "--map"]
    assert main([*extra, *args, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def moves_folder(tmp_path_factory):
    return run_with_moves(tmp_path_factory.mktemp("webmap-moves") / "run")


def test_arrows_add_up_the_moves_records_per_pair_reason_and_capability(moves_folder):
    from scenarios.terms import capability_name

    data = page_data(moves_folder / "map.html")
    rows = read_csv(moves_folder / "records" / "rep-000" / "moves.csv")
    assert {r["reason"] for r in rows} == {"move_up", "warning"}  # both kinds are drawn
    moves = layer(data, "moves")
    stations = layer(data, "stations")["points"]
    pairs = Counter((int(r["from_station"]), int(r["to_station"])) for r in rows)
    assert len(moves["pairs"]) == len(pairs) and moves["total"] == len(rows)
    assert [p["n"] for p in moves["pairs"]] == sorted(pairs.values(), reverse=True)
    seen = set()
    for p in moves["pairs"]:
        # The arrow runs between the two stations' marks: which pair it is, by the marks.
        a = next(i for i, s in enumerate(stations) if (s["x"], s["y"]) == (p["x1"], p["y1"]))
        b = next(i for i, s in enumerate(stations) if (s["x"], s["y"]) == (p["x2"], p["y2"]))
        assert p["name"] == f"{stations[a]['name']} → {stations[b]['name']}"
        mine = [r for r in rows if (int(r["from_station"]), int(r["to_station"])) == (a, b)]
        seen.add((a, b))
        popup = dict(p["popup"])
        assert p["n"] == len(mine) == popup["moves along this arrow"]
        reasons = Counter(r["reason"] for r in mine)
        assert popup["move-ups"] == reasons["move_up"]
        assert popup["a warning's staging and stand-down"] == reasons["warning"]
        kind = {("move_up",): "move-ups", ("warning",): "a warning's staging and stand-down",
                ("move_up", "warning"): "both kinds"}[tuple(sorted(reasons))]  # fmt: skip
        assert moves["groups"][p["g"]]["label"] == kind
        caps = Counter(r["capability"] for r in mine)
        assert Counter(dict(
            (name, int(k)) for name, k in (c.rsplit(" ×", 1) for c in
                                           popup["teams by capability"].split(", "))
        )) == Counter({capability_name(c): k for c, k in caps.items()})  # fmt: skip
        sent = sum(r["dispatched"] not in ("", "nan") for r in mine)
        assert popup["sent to an incident on the way"] == sent
    assert seen == set(pairs)
    # The station popups count the moves out of and into each station.
    for i, s in enumerate(stations):
        out_in = dict(s["popup"])["team moves out / in"]
        n_out = sum(int(r["from_station"]) == i for r in rows)
        n_in = sum(int(r["to_station"]) == i for r in rows)
        assert out_in == f"{n_out} / {n_in}"


def test_arrows_widen_with_the_moves_and_lie_under_the_stations(moves_folder):
    data = page_data(moves_folder / "map.html")
    pairs = layer(data, "moves")["pairs"]
    n = np.array([p["n"] for p in pairs])
    w = np.array([p["w"] for p in pairs])
    order = np.argsort(n)
    assert np.all(np.diff(w[order]) >= 0) and w.max() == wm.MOVE_WIDTH[1]
    assert w[n == 1].tolist() == [wm.MOVE_WIDTH[0]] * int((n == 1).sum())
    ids = [x["id"] for x in data["layers"]]
    assert ids.index("moves") < ids.index("stations") < ids.index("incidents")


def test_without_moves_the_map_has_no_moves_layer(tmp_path):
    plain = MOVES_TOML.split("[warnings]")[0]
    data = page_data(run_with_moves(tmp_path / "plain", toml=plain) / "map.html")
    assert "moves" not in [x["id"] for x in data["layers"]]
    stations = layer(data, "stations")["points"]
    assert all("team moves out / in" not in dict(s["popup"]) for s in stations)


@st.composite
def moves_table(draw, *, max_rows: int = 60):
    """A ``moves`` table between ``n`` stations, with its number of stations."""
    n = draw(st.integers(2, 6))
    m = draw(st.integers(0, max_rows))
    src = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    shift = draw(st.lists(st.integers(1, n - 1), min_size=m, max_size=m))
    depart = np.array(draw(st.lists(st.floats(0, 5000), min_size=m, max_size=m)))
    drive = np.array(draw(st.lists(st.one_of(st.floats(1, 60), st.just(np.nan)),
                                   min_size=m, max_size=m)))  # fmt: skip
    sent = draw(st.lists(st.booleans(), min_size=m, max_size=m))
    return {
        "team": np.arange(m),
        "capability": np.array(draw(st.lists(st.sampled_from(["fire", "medical", "general"]),
                                             min_size=m, max_size=m)), dtype=str),
        "from_station": np.array(src, dtype=np.int64),
        "to_station": (np.array(src, dtype=np.int64) + np.array(shift, dtype=np.int64)) % n,
        "depart": depart,
        "arrive": depart + drive,
        "reason": np.array(draw(st.lists(st.sampled_from(wm.REASONS), min_size=m,
                                         max_size=m)), dtype=str),
        "dispatched": np.where(sent, depart + 0.5, np.nan),
    }, n  # fmt: skip


def _layer(moves, n, **kw):
    xy = np.column_stack([np.arange(n) * 1000, np.arange(n) * 500])
    return wm.moves_layer(moves, xy, [f"S{i}" for i in range(n)], clock=lambda t: f"{t:.1f}",
                          **kw)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(case=moves_table(), most=st.integers(1, 40))
def test_pairs_keep_every_move_once_busiest_first(case, most):
    moves, n = case
    pairs = wm.move_pairs(moves, n)
    m = len(moves["team"])
    assert pairs.moves.sum() == pairs.by_capability.sum() == m
    assert np.all(np.diff(pairs.moves) <= 0)
    keys = list(zip(pairs.origin.tolist(), pairs.destination.tolist(), strict=True))
    assert len(set(keys)) == len(keys) and all(a != b for a, b in keys)
    for i, (a, b) in enumerate(keys):
        sel = (moves["from_station"] == a) & (moves["to_station"] == b)
        assert [int(np.sum(sel & (moves["reason"] == r))) for r in wm.REASONS] == list(
            pairs.by_reason[i]
        )
        assert pairs.en_route[i] == np.sum(sel & ~np.isnan(moves["dispatched"]))
        assert pairs.first[i] == moves["depart"][sel].min()
        arrived = sel & ~np.isnan(moves["arrive"])
        assert pairs.drive_n[i] == arrived.sum()
        drive = moves["arrive"][arrived] - moves["depart"][arrived]
        assert pairs.drive_sum[i] == pytest.approx(drive.sum())
    # At most ``most`` arrows, the busiest, and the page says how many are left out.
    data = _layer(moves, n, max_pairs=most)
    assert len(data["pairs"]) == min(most, len(keys))
    assert [p["n"] for p in data["pairs"]] == pairs.moves[:most].tolist()
    assert data["total"] == m
    assert ("busiest" in data["note"]) == (len(keys) > most)
    json.dumps(data, allow_nan=False)  # the page's JSON takes it as it is


@settings(max_examples=25, deadline=None)
@given(case=moves_table(max_rows=20), times=st.integers(2, 50))
def test_the_layer_does_not_grow_with_the_number_of_moves(case, times):
    # A run k times as long, with the same pairs: the same arrows, k times the moves.
    moves, n = case
    longer = {c: np.concatenate([x] * times) for c, x in moves.items()}
    short, long = _layer(moves, n), _layer(longer, n)
    assert len(long["pairs"]) == len(short["pairs"]) <= n * (n - 1)
    assert [p["n"] for p in long["pairs"]] == [times * p["n"] for p in short["pairs"]]
    w_long = np.array([p["w"] for p in long["pairs"]])
    assert np.all(np.diff(w_long) <= 0) and np.all(w_long <= wm.MOVE_WIDTH[1])
    size = len(json.dumps(long["pairs"], ensure_ascii=False))
    assert size <= len(json.dumps(short["pairs"], ensure_ascii=False)) + 40 * len(long["pairs"])
