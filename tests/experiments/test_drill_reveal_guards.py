"""A six-no drill stays sealed until its drawn start (``--early`` opens it sooner), and a
drill goes into the history once (audit_drill findings 8 and 9)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.drill.config import read_history
from experiments.drill.reveal import _check_history, append_history, reveal_drill
from networks.errors import ConfigError
from scenarios.drill import SealError
from tests.experiments.cli_calls import one_line, run

SMALL = """[drill]
start = 2099-12-01T08:00:00+08:00
end = 2099-12-02T08:00:00+08:00
{extra}[benchmark]
replications = 0
"""
HISTORY = (
    "drawn_at,exercise_id,hazard,area\n2026-03-02T09:00:00+00:00,Q1,building_fire,County Seat\n"
)
#: After every start the small drill can draw.
AFTER_START = datetime(2100, 1, 1, tzinfo=UTC)


def draw_small(base: Path, *, blind: str = "six-no", seed: int = 1) -> tuple[Path, Path]:
    """A small drill drawn into ``base/d`` with key ``base/k.key``."""
    base.mkdir(parents=True, exist_ok=True)
    extra = f'blind = "{blind}"\n' if blind != "six-no" else ""
    (base / "drill.toml").write_text(SMALL.format(extra=extra))
    d, key = base / "d", base / "k.key"
    argv = ["drill", "draw", base / "drill.toml", "--out", d, "--key", key, "--seed", seed]
    assert main([str(a) for a in argv]) == 0
    return d, key


@pytest.fixture(autouse=True)
def _no_map(monkeypatch):
    """The map is not what these tests are about (it takes seconds to plot)."""
    monkeypatch.setattr(
        "experiments.drill.reveal._rebuild_network", lambda script: (None, "map left out")
    )


@pytest.fixture(scope="module")
def six_no(tmp_path_factory) -> tuple[Path, Path]:
    return draw_small(tmp_path_factory.mktemp("six_no"))


def copy_of(drawn: tuple[Path, Path], tmp_path: Path, name: str = "d") -> Path:
    d = tmp_path / name
    shutil.copytree(drawn[0], d)
    return d


# ------------------------------------------------------------------ finding 9
def test_a_six_no_drill_is_not_revealed_before_its_start(six_no, tmp_path, capsys):
    d = copy_of(six_no, tmp_path)
    hist = tmp_path / "history.csv"
    hist.write_text(HISTORY)
    before = sorted(p.name for p in d.iterdir())
    code, out, err = run(capsys, "drill", "reveal", d, "--key", six_no[1], "--append-history", hist)
    line = one_line(err)
    assert code == 2 and out == ""
    assert str(d) in line and "six-no" in line and "--early" in line
    assert "2099" not in line  # the start is still secret: the refusal does not tell it
    assert sorted(p.name for p in d.iterdir()) == before  # nothing revealed
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert hist.read_text() == HISTORY


def test_early_opens_a_six_no_drill_with_a_warning(six_no, tmp_path, capsys):
    d = copy_of(six_no, tmp_path)
    code, out, err = run(capsys, "drill", "reveal", d, "--key", six_no[1], "--early")
    assert code == 0, err
    (warning,) = [ln for ln in err.splitlines() if ln.startswith("yingji: warning: ")]
    assert "--early" in warning and "six-no" in warning and "2099-12-0" in warning
    assert (d / "revealed" / "script.json").exists()


def test_a_six_no_drill_opens_without_a_word_once_it_has_started(six_no, tmp_path):
    d = copy_of(six_no, tmp_path)
    res = reveal_drill(d, key_file=six_no[1], now=AFTER_START)
    assert res.early == "" and res.folder.is_dir()
    with pytest.raises(SealError, match="--early"):
        reveal_drill(copy_of(six_no, tmp_path, "e"), key_file=six_no[1])


@pytest.mark.parametrize("blind", ["single", "double"])
def test_single_and_double_blind_drills_reveal_early_with_a_reminder(tmp_path, capsys, blind):
    """Their controllers hold the script before the drill; the players learn the time at
    the alarm, so the reveal reminds whoever runs it to keep participants/ back."""
    d, key = draw_small(tmp_path, blind=blind)
    code, out, err = run(capsys, "drill", "reveal", d, "--key", key)
    assert code == 0, err
    (note,) = [ln for ln in out.splitlines() if "participants/" in ln and ln.startswith("note: ")]
    assert "2099-12-0" in note and "alarm" in note


# ------------------------------------------------------------------ finding 8
def test_a_copied_drill_folder_revealed_again_is_not_taken_into_the_history_twice(
    six_no, tmp_path, capsys
):
    a, b = copy_of(six_no, tmp_path, "a"), copy_of(six_no, tmp_path, "b")
    hist = tmp_path / "history.csv"
    hist.write_text(HISTORY)
    key = six_no[1]
    assert (
        run(capsys, "drill", "reveal", a, "--key", key, "--early", "--append-history", hist)[0] == 0
    )
    once = hist.read_text()
    assert len(once.splitlines()) == 3
    code, out, err = run(
        capsys, "drill", "reveal", b, "--key", key, "--early", "--append-history", hist
    )
    line = one_line(err)
    assert code == 2 and out == ""
    exercise = read_history(hist)[-1].exercise_id
    assert str(hist) in line and "row 3" in line and exercise in line
    assert hist.read_text() == once
    assert not (b / "revealed").exists()  # refused before anything was decrypted
    # a scoring still records its score in that row
    assert _check_history(hist, b) == once.removeprefix("\ufeff")  # its text, without the mark


def test_append_history_refuses_a_drill_already_recorded(six_no, tmp_path):
    res = reveal_drill(copy_of(six_no, tmp_path), key_file=six_no[1], early=True)
    hist = tmp_path / "history.csv"
    append_history(hist, res.script)
    once = hist.read_text()
    with pytest.raises(ConfigError, match="row 2"):
        append_history(hist, res.script)
    assert hist.read_text() == once


def test_a_history_that_took_a_drill_twice_counts_it_once(tmp_path):
    """Written by an older version: the repeat must not push a real drill out of no_repeat."""
    hist = tmp_path / "history.csv"
    hist.write_text(
        "drawn_at,exercise_id,hazard,area\n"
        "2026-03-02T09:00:00+00:00,Q1,traffic_accident,Xiba Town\n"
        "2026-06-02T09:00:00+00:00,Q2,waterlogging,Dongcun Town\n"
        "2026-09-02T09:00:00+00:00,Q3,waterlogging,Huangtu Town\n"
        "2026-09-02T17:00:00+08:00,Q3,waterlogging,Huangtu Town\n"  # the same instant
        "2026-09-02T09:00:00+00:00,Q4,waterlogging,Huangtu Town\n"  # another drill
    )
    rows = read_history(hist)
    assert [(r.exercise_id, r.row) for r in rows] == [("Q1", 2), ("Q2", 3), ("Q3", 4), ("Q4", 6)]
    assert [r.area for r in rows[-3:]] == ["Dongcun Town", "Huangtu Town", "Huangtu Town"]


def test_rows_without_an_id_or_a_time_of_draw_are_all_kept(tmp_path):
    hist = tmp_path / "history.csv"
    hist.write_text(
        "drawn_at,exercise_id,hazard,area\n"
        ",,waterlogging,Dongcun Town\n,,waterlogging,Dongcun Town\n"
        "2026-06-02T09:00:00+00:00,,waterlogging,Dongcun Town\n"
        "2026-06-02T09:00:00+00:00,,waterlogging,Dongcun Town\n"
    )
    assert len(read_history(hist)) == 4


def test_the_warning_and_the_reminder_are_not_printed_after_the_start(six_no, tmp_path):
    d = copy_of(six_no, tmp_path)
    start = datetime.fromisoformat(
        reveal_drill(d, key_file=six_no[1], early=True).script.scene.start
    )
    e = copy_of(six_no, tmp_path, "e")
    assert reveal_drill(e, key_file=six_no[1], now=start + timedelta(seconds=1)).early == ""
