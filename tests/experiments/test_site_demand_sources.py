"""``yingji site``: where its demand came from, and what a planner reads of it.

Found by an independent review: demand from an incident log counted 20 times
(each of the ``demand_samples`` replayed the same log) and labelled
"(scenario)"; ``--seed`` did not reach the demand sample; a ``fix`` row on
another tier's site vanished without a word; census-sized demand printed as
``3.62592e+06``; and closed sites kept their English names on Chinese maps.
"""

from __future__ import annotations

import csv
import json
import re

from experiments.cli import main
from scenarios.validate import read_toml
from tests.conftest import REPO, read_csv

EXAMPLE = REPO / "examples" / "siting.toml"
LOG_ROWS = 300


def _log_config(tmp_path):
    """A run config replaying the first rows of the example county log."""
    src = REPO / "examples" / "replay" / "county_log.csv"
    keep = ("time", "lon", "lat", "hazard", "grade")  # what was called in, not how it went
    with src.open(encoding="utf-8-sig") as f:
        rows = [[r[k] for k in keep] for r in list(csv.DictReader(f))[:LOG_ROWS]]
    with (tmp_path / "log.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([keep, *rows])
    cfg = tmp_path / "logsite.toml"
    cfg.write_text(
        '[network]\nsynthetic = "county"\n[facilities]\ntownship_stations = 6\n'
        '[scenario]\nincidents = "log.csv"\n[run]\nseed = 7\n[siting]\np = 6\n',
        encoding="utf-8",
    )
    return cfg


def test_a_log_is_the_demand_once_and_its_evaluation_is_called_in_sample(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["--lang", "en", "site", str(_log_config(tmp_path)), "--evaluate", "2",
                 "--no-plots", "--out", str(out)]) == 0  # fmt: skip
    printed = capsys.readouterr()
    cov = json.loads((out / "stations" / "coverage.json").read_text())
    # Every incident of the log weighs 1 (it read 20 x 300 = 6,000).
    assert cov["sizes"]["demand_weight"] == LOG_ROWS
    assert cov["task"]["demand_from_log"] is True and cov["task"]["demand_samples"] == 1
    assert "(incident log)" in printed.out and "(scenario)" not in printed.out
    assert f"of {LOG_ROWS} demand within the standard" in printed.out
    warning = [ln for ln in printed.err.splitlines() if "in-sample" in ln]
    assert len(warning) == 1 and warning[0].startswith("yingji: warning: ")


def test_seed_reaches_the_demand_sample_and_is_recorded(tmp_path):
    runs = {}
    for name, extra in (("config", []), ("given", ["--seed", "99"])):
        out = tmp_path / name
        assert main(["site", str(EXAMPLE), "--task", "stations", "--no-plots",
                     "--out", str(out), *extra]) == 0  # fmt: skip
        runs[name] = json.loads((out / "stations" / "coverage.json").read_text())
    seed = read_toml(EXAMPLE)["run"]["seed"]
    assert seed != 99  # the premise
    assert runs["config"]["task"]["seed"] == seed and runs["given"]["task"]["seed"] == 99
    assert runs["config"]["task"]["demand_samples"] == 20
    # Another seed, another sample of incidents: the demand weights differ.
    assert runs["config"]["sizes"] != runs["given"]["sizes"]


def test_a_fix_row_on_another_tiers_site_is_named(tmp_path, capsys):
    fix = tmp_path / "fix.csv"
    fix.write_text("name,landmark\nSeat Post,County Seat\nkeep,Xiba Town\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["--lang", "en", "site", str(EXAMPLE), "--task", "stations", "--fix", str(fix),
                 "--no-plots", "--out", str(out)]) == 0  # fmt: skip
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if "adds no fixed site" in ln]
    assert len(lines) == 1 and f"{fix}: line 2: " in lines[0], err
    cov = json.loads((out / "stations" / "coverage.json").read_text())
    assert cov["sizes"]["fixed"] == 1  # Xiba Town; the seat's station serves as it is


def test_census_sized_demand_prints_in_full(tmp_path, capsys):
    demand = tmp_path / "people.csv"
    demand.write_text(
        "landmark,weight\nXiba Town,1234567\nCounty Seat,2345678\nLongtan Village 1,45678\n",
        encoding="utf-8",
    )
    assert main(["--lang", "en", "site", str(_demand_config(tmp_path, demand)), "--no-plots",
                 "--out", str(tmp_path / "d")]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "of 3,625,923 demand" in text and "e+06" not in text


def _demand_config(tmp_path, demand):
    cfg = tmp_path / "demand.toml"
    cfg.write_text(
        f'[network]\nsynthetic = "county"\n[siting]\np = 6\ndemand = "{demand.name}"\n',
        encoding="utf-8",
    )
    return cfg


def test_closed_sites_keep_their_chinese_names_on_the_map(tmp_path):
    out = tmp_path / "o"
    assert main(["--lang", "zh", "site", str(REPO / "examples" / "shanghai" / "run.toml"),
                 "--p", "6", "--standard-min", "4", "--map", "--no-plots",
                 "--out", str(out)]) == 0  # fmt: skip
    rows = read_csv(out / "stations" / "sites.csv")
    closed = [r["name"] for r in rows if r["status"] in ("closed", "merged")]
    assert closed  # the premise: some current site closes
    html = (out / "stations" / "map.html").read_text(encoding="utf-8")
    zh = {r["name"]: r["name_zh"] for r in read_csv(REPO / "examples/shanghai/stations.csv")}
    for name in closed:
        assert name not in html and zh[name] in html
    assert not re.search(r"[A-Za-z]+ Station", html)
