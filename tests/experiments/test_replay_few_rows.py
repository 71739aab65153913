"""A replay log's error is its one line: the few-incidents warning waits for a log that passed."""

from __future__ import annotations

import csv

from experiments.cli import main
from tests.conftest import REPO

LOG = REPO / "examples" / "replay" / "county_log.csv"
CONFIG = REPO / "examples" / "county.toml"
FEW = "incidents only"


def _first_rows(tmp_path, n: int, change=None):
    with LOG.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))[:n]
    if change is not None:
        change(rows)
    path = tmp_path / "few.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _replay(path, out, capsys) -> tuple[int, list[str]]:
    code = main(["--lang", "en", "replay", str(path), "--config", str(CONFIG), "--out",
                 str(out), "--replications", "2", "--no-plots"])  # fmt: skip
    return code, capsys.readouterr().err.strip().splitlines()


def test_a_bad_row_of_a_small_log_is_one_line_and_a_good_small_log_is_warned(tmp_path, capsys):
    def arrival_first(rows):  # on scene at the alarm, before the call was taken
        rows[9]["first_arrival"] = rows[9]["time"]

    code, err = _replay(_first_rows(tmp_path, 20, arrival_first), tmp_path / "bad", capsys)
    assert code == 2 and len(err) == 1 and "first_arrival" in err[0] and FEW not in err[0]
    code, err = _replay(_first_rows(tmp_path, 20), tmp_path / "good", capsys)
    assert code == 0 and any(FEW in line for line in err)
