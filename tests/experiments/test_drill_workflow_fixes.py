"""Fixes in the drill workflow (issue 14): the start lies after the draw, verify covers every
revealed file, the history goes where the drill file reads it, a failed reveal leaves no
decrypted byte in the drill folder, depot shortages are true to the books, and no rehearsal.

:func:`freeze_draw_clock` makes ``yingji drill draw`` happen at a fixed moment, so tests of
drill files with fixed windows do not depend on today's date.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from experiments.cli import main
from networks.errors import ConfigError
from scenarios.catalogue import load_catalogue
from scenarios.drill import (
    DrillDrawer,
    DrillSpec,
    PastDrill,
    Store,
    canonical_json,
    generator_from_seed,
    seed_from_int,
)
from tests.conftest import REPO
from tests.experiments.cli_calls import one_line, run
from tests.scenarios.test_drill_draw import county_facilities

EXAMPLE = REPO / "examples" / "drill.toml"
#: A week before the example's window opens.
BEFORE = datetime(2026, 11, 24, 5, 28, 4, tzinfo=UTC)
#: The day the issue was found: the example's window had opened four days before.
FOUND = datetime(2026, 12, 5, 13, 49, 37, tzinfo=UTC)
#: A small, fast drill in a window far ahead (no simulated spread).
SMALL = """[drill]
start = 2099-12-01T08:00:00+08:00
end = 2099-12-02T08:00:00+08:00
[benchmark]
replications = 0
"""
LOCAL = timedelta(hours=8)
TZ = timezone(LOCAL)


def freeze_draw_clock(mp: pytest.MonkeyPatch, when: datetime = BEFORE) -> None:
    """Make every ``yingji drill draw`` (and :func:`draw_drill`) happen at ``when``."""
    import experiments.drill.draw as drawing

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN206 - a datetime, as datetime.now
            return when.astimezone(tz) if tz is not None else when.replace(tzinfo=None)

    mp.setattr(drawing, "datetime", Clock)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): "dir"
        if p.is_dir()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
    }


def drawer(county, history=(), stores=None, **drill) -> DrillDrawer:
    spec = DrillSpec.from_dict({"drill": {"injects": [], **drill}})
    units, default_stores = county_facilities(county)
    return DrillDrawer(
        spec,
        county,
        load_catalogue(),
        units=units,
        stores=default_stores if stores is None else stores,
        history=history,
    )


def draw(d: DrillDrawer, seed: int, drawn_at: datetime | str):
    at = drawn_at if isinstance(drawn_at, str) else drawn_at.isoformat()
    return d.draw(rng=generator_from_seed(seed_from_int(seed)), exercise_id="T", drawn_at=at)


# ------------------------------------------------------------ 1. the start lies after the draw
W0 = datetime(2026, 12, 1, 8, tzinfo=UTC) - LOCAL  # 2026-12-01 08:00 +08:00
W1 = datetime(2026, 12, 8, 20, tzinfo=UTC) - LOCAL
WINDOW = {"start": "2026-12-01T08:00:00+08:00", "end": "2026-12-08T20:00:00+08:00"}


def allowed_after(t: datetime, hours=(8, 18)) -> list[tuple[datetime, datetime]]:
    """The test's own oracle: allowed start intervals (UTC) strictly after ``t``."""
    out = []
    day = datetime(2026, 11, 30, tzinfo=UTC) - LOCAL  # local midnight, 30 Nov
    while day < W1:
        a, b = max(day + timedelta(hours=hours[0]), W0), min(day + timedelta(hours=hours[1]), W1)
        a = max(a, t)
        if b > a:
            out.append((a, b))
        day += timedelta(days=1)
    return out


@pytest.fixture(scope="module")
def by_lead(county):
    """Drawers of one week's window, starts between 08:00 and 18:00, by lead minutes."""
    return {lead: drawer(county, **WINDOW, hours=[8, 18], lead_min=lead) for lead in (0, 60, 240)}


@given(
    seed=st.integers(0, 2**32 - 1),
    offset=st.integers(-3 * 86400, 8 * 86400),
    lead=st.sampled_from([0, 60, 240]),
)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_seed_and_draw_moment_gives_a_start_after_the_draw(by_lead, seed, offset, lead):
    drawn = W0 + timedelta(seconds=offset)
    earliest = drawn + timedelta(minutes=lead)
    left = allowed_after(earliest)
    if not left:
        with pytest.raises(ConfigError, match=r"drill\.end"):
            draw(by_lead[lead], seed, drawn)
        return
    start = datetime.fromisoformat(draw(by_lead[lead], seed, drawn).scene.start)
    assert start > earliest >= drawn
    assert any(a <= start < b for a, b in left) and 8 <= start.astimezone(TZ).hour < 18


def test_start_is_uniform_over_the_allowed_hours_left_after_the_draw(by_lead):
    drawn = datetime(2026, 12, 4, 13, 17, 5, tzinfo=UTC) - LOCAL  # mid-window, 13:17 local
    left = allowed_after(drawn + timedelta(minutes=60))
    ends = np.cumsum([(b - a).total_seconds() for a, b in left])
    pos = []
    for seed in range(400):
        t = datetime.fromisoformat(draw(by_lead[60], seed, drawn).scene.start)
        k = next(i for i, (a, b) in enumerate(left) if a <= t < b)
        pos.append(((ends[k - 1] if k else 0.0) + (t - left[k][0]).total_seconds()) / ends[-1])
    assert stats.kstest(pos, "uniform").pvalue > 1e-3


def test_the_draw_moment_enters_the_draw_reproducibly(by_lead):
    d = by_lead[60]
    early, late = W0 - timedelta(days=3), W0 + timedelta(days=5, hours=3)
    for seed in (1, 2, 3):
        a, b = draw(d, seed, early), draw(d, seed, early)
        assert canonical_json(a.to_dict()) == canonical_json(b.to_dict())
        assert a.drawn_at == early.isoformat()
    starts = [(draw(d, s, early).scene.start, draw(d, s, late).scene.start) for s in range(5)]
    assert all(x != y for x, y in starts)  # a later draw moves the start, seed for seed


def test_the_example_drawn_the_day_the_issue_was_found_starts_after_the_draw(tmp_path):
    """The issue: 3 of 4 draws of examples/drill.toml started before the draw."""
    from experiments.drill.config import DrillConfig

    shutil.copy(EXAMPLE, tmp_path / "drill.toml")
    shutil.copy(REPO / "examples" / "drill_history.csv", tmp_path / "drill_history.csv")
    cfg = DrillConfig.from_file(tmp_path / "drill.toml")
    region = cfg.region()
    d = DrillDrawer(
        cfg.spec,
        region.network,
        cfg.catalogue(),
        units=region.units(),
        stores=region.stores(),
        history=cfg.history(),
        sources=dict(region.sources),
    )
    for seed in range(40):
        start = datetime.fromisoformat(draw(d, seed, FOUND).scene.start)
        assert start > FOUND + timedelta(hours=1), (seed, start)


def test_a_window_wholly_in_the_past_is_refused_in_one_line(tmp_path, capsys, monkeypatch):
    freeze_draw_clock(monkeypatch, FOUND)
    (tmp_path / "drill.toml").write_text(
        "[drill]\nstart = 2026-12-01T08:00:00+08:00\nend = 2026-12-02T08:00:00+08:00\n"
    )
    before = snapshot(tmp_path)
    code, out, err = run(
        capsys,
        "drill",
        "draw",
        tmp_path / "drill.toml",
        "--out",
        tmp_path / "d",
        "--key",
        tmp_path / "k.key",
        "--seed",
        1,
    )
    line = one_line(err)
    assert code == 2 and "drill.toml" in line and "drill.end" in line and not out
    assert snapshot(tmp_path) == before  # no drill folder, no key, no staging folder


def test_lead_and_horizon_keys_are_checked_and_round_trip():
    spec = DrillSpec.from_dict({"drill": {**WINDOW, "lead_min": 90, "no_rehearsal_days": 30}})
    assert (spec.lead_min, spec.rehearsal_days) == (90, 30)
    assert DrillSpec.from_dict(spec.to_dict()) == spec
    assert DrillSpec.from_dict({"drill": WINDOW}).rehearsal_days == 365  # six-no by default
    assert DrillSpec.from_dict({"drill": {**WINDOW, "blind": "double"}}).rehearsal_days == 0
    for key, value in (("lead_min", -1), ("no_rehearsal_days", -3), ("no_rehearsal_days", 1.5)):
        with pytest.raises(ConfigError, match=rf"drill\.{key}"):
            DrillSpec.from_dict({"drill": {**WINDOW, key: value}}, source="d.toml")


def test_bands_of_the_day_are_local_and_cut_the_allowed_hours():
    spec = DrillSpec.from_dict({"drill": {**WINDOW, "hours": [8, 20]}})
    at = {
        "2026-12-02T05:59:59+08:00": "night",
        "2026-12-02T06:00:00+08:00": "morning",
        "2026-12-02T11:59:59+08:00": "morning",
        "2026-12-02T04:00:00+00:00": "afternoon",  # 12:00 local
        "2026-12-02T18:00:00+08:00": "evening",
    }
    for text, band in at.items():
        assert spec.band_of(datetime.fromisoformat(text)) == band, text
    full = sum(b - a for a, b in spec.allowed_intervals()) / 3600
    no_morning = sum(b - a for a, b in spec.allowed_intervals(avoid={"morning"})) / 3600
    assert (full, no_morning) == (8 * 12, 8 * 8)  # 08-20 less 08-12, eight days
    assert spec.allowed_intervals(avoid={"morning", "afternoon", "evening"}) == []
    after = W0 + timedelta(days=7, hours=11)  # 19:00 local on the last day
    assert spec.allowed_intervals(after=after) == [
        (7 * 86400 + 11 * 3600 + 1.0, 7 * 86400 + 12 * 3600)
    ]


# ------------------------------------------------------ 2. verify covers every revealed file
@pytest.fixture(scope="module")
def revealed(tmp_path_factory):
    """A small drill drawn, revealed (with the reveal's lines) and its key."""
    base = tmp_path_factory.mktemp("revealed")
    (base / "drill.toml").write_text(SMALL)
    d, key = base / "d", base / "k.key"
    assert (
        main(
            [
                "drill",
                "draw",
                str(base / "drill.toml"),
                "--out",
                str(d),
                "--key",
                str(key),
                "--seed",
                "1",
            ]
        )
        == 0
    )
    from experiments.drill import reveal_drill

    res = reveal_drill(d, key_file=key, early=True)
    return d, res


def copy(revealed, tmp_path) -> Path:
    d = tmp_path / "d"
    shutil.copytree(revealed[0], d)
    return d


def test_a_flipped_byte_in_any_revealed_file_is_named(revealed, tmp_path, capsys):
    d0, res = revealed
    files = sorted(p.relative_to(d0) for p in (d0 / "revealed").rglob("*") if p.is_file())
    assert Path("revealed/manifest.json") in files and len(files) >= 12
    for rel in files:
        size = (d0 / rel).stat().st_size
        for at in sorted({0, size // 2, size - 1}):
            d = tmp_path / f"{rel.name}-{at}"
            shutil.copytree(d0, d)
            data = bytearray((d / rel).read_bytes())
            data[at] ^= 0x01
            (d / rel).write_bytes(bytes(data))
            code, out, err = run(capsys, "drill", "verify", d)
            assert code == 2 and str(d / rel) in one_line(err), (rel, at, err)
            shutil.rmtree(d)
    code, out, _ = run(capsys, "drill", "verify", d0)
    assert code == 0 and res.manifest in out  # verify prints the digest the reveal printed


def test_an_added_or_removed_file_is_named(revealed, tmp_path, capsys):
    d = copy(revealed, tmp_path)
    extra = d / "revealed" / "evaluators" / "notes.txt"
    extra.write_text("the evaluators' own notes\n")
    assert "notes.txt" in one_line(run(capsys, "drill", "verify", d)[2])
    extra.unlink()
    (d / "revealed" / "controllers" / "injects.md").unlink()
    assert "injects.md" in one_line(run(capsys, "drill", "verify", d)[2])


def rewrite_manifest(d: Path, rel: str, data: bytes) -> None:
    """A careful tamperer: change ``rel`` and recompute every digest of the manifest."""
    (d / "revealed" / rel).write_bytes(data)
    path = d / "revealed" / "manifest.json"
    whole = json.loads(path.read_bytes())
    body = whole["manifest"]
    body["files"][rel] = hashlib.sha256(data).hexdigest()
    path.write_bytes(
        canonical_json(
            {"manifest": body, "sha256": hashlib.sha256(canonical_json(body)).hexdigest()}
        )
    )


def test_a_rewritten_manifest_shows_in_its_published_digest(revealed, tmp_path, capsys):
    d = copy(revealed, tmp_path)
    sheet = (d / "revealed" / "evaluators" / "evaluation.md").read_bytes()
    rewrite_manifest(d, "evaluators/evaluation.md", sheet.replace(b"|", b"!", 1))
    code, out, _ = run(capsys, "drill", "verify", d)
    assert code == 0 and revealed[1].manifest not in out  # caught against the published digest
    # the script and its salt are bound to the commitment: a rewritten manifest does not help
    script = (d / "revealed" / "script.json").read_bytes()
    rewrite_manifest(d, "script.json", script.replace(b'"grade":', b'"grade" :', 1))
    assert "script.json" in one_line(run(capsys, "drill", "verify", d)[2])


def test_a_reveal_without_manifest_cannot_be_verified(revealed, tmp_path, capsys):
    d = copy(revealed, tmp_path)
    (d / "revealed" / "manifest.json").unlink()
    assert "manifest.json" in one_line(run(capsys, "drill", "verify", d)[2])


def test_redraw_of_another_generator_version_says_so(revealed, capsys, monkeypatch):
    d, res = revealed
    monkeypatch.setattr("experiments.drill.verify.GENERATOR_VERSION", "yingji-drill-draw/99")
    line = one_line(run(capsys, "drill", "verify", d, "--redraw", d.parent / "drill.toml")[2])
    assert res.script.generator_version in line and "draw/99" in line


# ------------------------------------------------- 3. where the history goes; failed reveals
@pytest.fixture
def drill(tmp_path, capsys):
    """A sealed small drill ``tmp/drills/d`` with its key, drill file and history beside it."""
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "drill.toml").write_text(
        SMALL.replace("[benchmark]", 'history = "past.csv"\n[benchmark]')
    )
    (cfg / "past.csv").write_text("drawn_at,exercise_id,hazard,area\n")
    d, key = tmp_path / "drills" / "d", tmp_path / "k.key"
    code, _, err = run(
        capsys, "drill", "draw", cfg / "drill.toml", "--out", d, "--key", key, "--seed", 2
    )
    assert code == 0, err
    return d, key, cfg


def test_append_history_to_the_history_the_drill_file_reads(drill, tmp_path, capsys, monkeypatch):
    d, key, cfg = drill
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the history is relative to the drill file, not to here
    code, out, err = run(
        capsys,
        "drill",
        "reveal",
        "--early",
        d,
        "--key",
        key,
        "--append-history",
        cfg / "drill.toml",
    )
    assert code == 0, err
    rows = (cfg / "past.csv").read_text().splitlines()
    assert (
        len(rows) == 2 and rows[1] == (d / "revealed/history_row.csv").read_text().splitlines()[1]
    )
    assert str(cfg.resolve() / "past.csv") in out  # says plainly where it wrote
    assert list(elsewhere.iterdir()) == []


def test_append_history_says_where_a_csv_went(drill, tmp_path, capsys, monkeypatch):
    d, key, _ = drill
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        capsys, "drill", "reveal", "--early", d, "--key", key, "--append-history", "h.csv"
    )
    assert code == 0 and str(tmp_path.resolve() / "h.csv") in out


@pytest.mark.parametrize("where", ["no-history-key", "inside-the-drill-folder"])
def test_a_history_that_cannot_be_the_drills_is_refused(drill, tmp_path, capsys, where):
    d, key, cfg = drill
    if where == "no-history-key":
        (cfg / "other.toml").write_text(SMALL)
        target, expect = cfg / "other.toml", "drill.history"
    else:
        target, expect = d / "history.csv", "--append-history"
    before = snapshot(tmp_path)
    code, _, err = run(
        capsys, "drill", "reveal", "--early", d, "--key", key, "--append-history", target
    )
    assert code == 2 and expect in one_line(err) and target.name in err
    assert snapshot(tmp_path) == before


def test_a_write_error_after_decryption_leaves_nothing_decrypted(
    drill, tmp_path, capsys, monkeypatch
):
    d, key, cfg = drill
    before = snapshot(tmp_path)
    import experiments.drill.reveal as reveal

    real = reveal.atomic_write_bytes

    def full_disk(path, data):
        if Path(path).name == "manifest.json":  # every packet is written by now
            raise OSError(28, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(reveal, "atomic_write_bytes", full_disk)
    code, _, err = run(
        capsys,
        "drill",
        "reveal",
        "--early",
        d,
        "--key",
        key,
        "--append-history",
        cfg / "drill.toml",
    )
    assert code == 2 and "No space left" in one_line(err)
    assert snapshot(tmp_path) == before  # drill folder, history, and no staging folder beside
    monkeypatch.undo()
    assert run(capsys, "drill", "reveal", "--early", d, "--key", key)[0] == 0


def test_a_killed_reveals_history_copy_is_swept(drill, capsys):
    d, key, cfg = drill
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    stale = cfg / f".yj-tmp-{p.pid}-0badf00d-past.csv"
    live = cfg / f".yj-tmp-{os.getpid()}-0badf00d-past.csv"
    for f in (stale, live):
        f.write_text("drawn_at,exercise_id,hazard,area\nx,y,building_fire,County Seat\n")
    assert (
        run(
            capsys,
            "drill",
            "reveal",
            "--early",
            d,
            "--key",
            key,
            "--append-history",
            cfg / "past.csv",
        )[0]
        == 0
    )
    assert not stale.exists() and live.exists()


# ---------------------------------------------------- 4. depot shortages true to the books
@functools.cache
def catalogue():
    return load_catalogue()


def depot_context(booked: int, grade: int, seed: int):
    from scenarios.drill.injects import InjectContext

    cat = catalogue()
    stores = (
        Store("Near Depot", 0, "county", (("medical_kits", booked),), "City Depot"),
        Store("City Depot", 1, "city", (("medical_kits", 1000),)),
    )
    return InjectContext(
        network=None,
        namer=None,
        catalogue=cat,
        hazard=cat["traffic_accident"],
        grade=grade,
        node=0,
        area="",
        place="",
        jurisdiction="",
        units=(),
        unit_times=np.zeros((0, 1)),
        stores=stores,
        store_order=((0, np.float32(60.0)), (1, np.float32(900.0))),
        near=None,
        reporting={},
        rng=generator_from_seed(seed_from_int(seed)),
    )


@given(booked=st.integers(1, 600), grade=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=100, deadline=None)
def test_a_shortage_arises_only_when_the_shelf_is_below_the_need(booked, grade, seed):
    from scenarios.drill.injects import depot_short

    need = dict(catalogue()["traffic_accident"].requirement(grade).supplies)["medical_kits"]
    inj = depot_short(depot_context(booked, grade, seed))
    if inj is None:
        assert math.floor(0.6 * booked) >= need  # the shelf (20-60 % of the books) covered it
        return
    t = inj.truth
    assert (t["depot"], t["booked"], t["need"]) == ("Near Depot", booked, need)
    assert math.floor(0.2 * booked) <= t["available"] <= math.floor(0.6 * booked)
    assert t["available"] < need
    assert f"books say {booked}" in inj.message
    assert f"remaining {need - t['available']} " in inj.expected_action


def test_no_medical_kits_short_when_the_book_holds_250_and_one_is_needed(county):
    node = next(m.node for m in county.landmarks if m.name == "County Seat")
    stores = (Store("County Depot 1", node, "county", (("medical_kits", 250),)),)
    d = drawer(
        county,
        stores=stores,
        hazards=["traffic_accident"],
        grades=["IV"],
        injects=["depot_short"],
        **WINDOW,
    )
    assert all(not draw(d, s, BEFORE).injects for s in range(20))
    d = drawer(
        county,
        stores=stores,
        hazards=["traffic_accident"],
        grades=["I"],
        injects=["depot_short"],
        **WINDOW,
    )
    for s in range(20):  # 100 needed: 50-150 on the shelf, short in about half the draws
        for i in draw(d, s, BEFORE).injects:
            assert i.truth["available"] < i.truth["need"] == 100


# ------------------------------------------------------------------------ 5. no rehearsal
def morning_fire(
    start: str = "2026-11-02T09:30:00+08:00", drawn: str = "2026-11-01T02:00:00+00:00"
):
    return PastDrill("building_fire", "Beihe Town", drawn_at=drawn, exercise_id="P", start=start)


def beihe_fires(county, history, **drill) -> DrillDrawer:
    return drawer(
        county,
        history,
        **WINDOW,
        hours=[8, 20],
        hazards=["building_fire"],
        include_areas=["Beihe Town"],
        no_repeat=0,
        **drill,
    )


def local_hours(d: DrillDrawer, n: int = 60) -> list[int]:
    return [
        datetime.fromisoformat(draw(d, s, BEFORE).scene.start).astimezone(TZ).hour for s in range(n)
    ]


def test_the_band_of_a_recent_drill_is_not_drawn_again(county):
    barred = beihe_fires(county, [morning_fire()])
    assert all(h >= 12 for h in local_hours(barred))
    script = draw(barred, 0, BEFORE)
    assert script.audit["rehearsal"] == [
        ["building_fire", "Beihe Town", "2026-11-01T02:00:00+00:00", "2026-11-02T09:30:00+08:00"]
    ]
    # outside the horizon, or with the rule off (a double-blind drill), mornings come back
    for d in (
        beihe_fires(county, [morning_fire()], no_rehearsal_days=10),
        beihe_fires(county, [morning_fire()], blind="double"),
    ):
        assert any(h < 12 for h in local_hours(d))


def test_a_past_drill_of_unknown_start_bars_every_band(county):
    unknown = beihe_fires(county, [morning_fire(start="")])
    with pytest.raises(ConfigError, match=r"drill\.no_rehearsal_days"):
        draw(unknown, 0, BEFORE)
    # with other areas allowed, the barred area (half the fire weight) is simply never drawn
    seat = PastDrill("building_fire", "County Seat", drawn_at="2026-11-01T02:00:00+00:00")
    d = drawer(county, [seat], **WINDOW, hazards=["building_fire"], no_repeat=0)
    assert d.node_probs["building_fire"][d.areas == "County Seat"].sum() > 0.4
    assert all(draw(d, s, BEFORE).scene.area != "County Seat" for s in range(40))


def test_a_redraw_bars_what_the_draw_barred_whatever_no_repeat_says(county, tmp_path):
    """Verify re-draws from the recorded pairs and rehearsals (start times included)."""
    from experiments.drill.config import DrillConfig
    from experiments.drill.verify import redraw_inputs

    past = [  # oldest first
        PastDrill("waterlogging", "Dongcun Town", "2025-01-01T09:00:00+00:00", "old"),
        PastDrill("traffic_accident", "Xiba Town", "2026-09-01T09:00:00+00:00", "Q3"),
        morning_fire(),
        PastDrill(
            "building_fire",
            "County Seat",
            "2026-10-01T09:00:00+00:00",
            "Q4",
            "2026-10-03T19:00:00+08:00",
        ),
    ]
    (tmp_path / "d.toml").write_text(
        "[drill]\nstart = 2026-12-01T08:00:00+08:00\nend = 2026-12-08T20:00:00+08:00\n"
        'hours = [8, 20]\nhazards = ["building_fire", "traffic_accident"]\nno_repeat = 1\n'
        "injects = []\n"
    )
    cfg = DrillConfig.from_file(tmp_path / "d.toml")
    units, stores = county_facilities(county)

    def make(spec, history):
        return DrillDrawer(
            spec, county, load_catalogue(), units=units, stores=stores, history=history
        )

    first = make(cfg.spec, past)
    assert first.recent == {("building_fire", "County Seat")}
    for seed in range(6):
        script = draw(first, seed, BEFORE)
        # what compose records beside the draw's own audit
        recent = sorted([h, a] for h, a in first.recent)
        script = replace(script, audit={**script.audit, "recent": recent})
        assert [r[3] for r in script.audit["rehearsal"]] == [
            "",
            "2026-11-02T09:30:00+08:00",
            "2026-10-03T19:00:00+08:00",
        ]  # the 2025 drill lies outside the year
        again_cfg, history = redraw_inputs(cfg, script)
        second = make(again_cfg.spec, history)
        assert second.recent == first.recent
        again = draw(second, seed, BEFORE)
        assert (again.scene, again.injects) == (script.scene, script.injects)
        assert again.audit["rehearsal"] == script.audit["rehearsal"]


def test_the_round_with_a_history_redraws_the_same(tmp_path, capsys, monkeypatch):
    freeze_draw_clock(monkeypatch, FOUND)
    (tmp_path / "drill.toml").write_text(
        SMALL.replace("[benchmark]", 'history = "h.csv"\nno_repeat = 1\n[benchmark]')
    )
    (tmp_path / "h.csv").write_text(
        "drawn_at,exercise_id,hazard,area\n"
        "2026-03-02T09:00:00+00:00,Q1,building_fire,County Seat\n"
        "2026-06-01T09:00:00+00:00,Q2,traffic_accident,Xiba Town\n"
        "2026-09-01T09:00:00+00:00,Q3,waterlogging,Dongcun Town\n"
    )
    d, key = tmp_path / "d", tmp_path / "k.key"
    assert (
        run(
            capsys, "drill", "draw", tmp_path / "drill.toml", "--out", d, "--key", key, "--seed", 5
        )[0]
        == 0
    )
    assert (
        run(
            capsys,
            "drill",
            "reveal",
            "--early",
            d,
            "--key",
            key,
            "--append-history",
            tmp_path / "drill.toml",
        )[0]
        == 0
    )
    script = json.loads((d / "revealed" / "script.json").read_bytes())
    assert len(script["audit"]["rehearsal"]) == 3 and len(script["audit"]["recent"]) == 1
    pairs = {(r[0], r[1]) for r in script["audit"]["rehearsal"]}
    assert (script["scene"]["hazard"], script["scene"]["area"]) not in pairs
    code, out, err = run(capsys, "drill", "verify", d, "--redraw", tmp_path / "drill.toml")
    assert code == 0 and "re-drawing" in out, err  # the history has grown since: no matter
