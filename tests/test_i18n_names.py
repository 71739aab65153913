"""Chinese names of user-given facilities (``name_zh``): shown to people, never used as keys."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from experiments.cli import main
from experiments.config import RunConfig
from networks import i18n
from networks.errors import ConfigError
from networks.names import facility_label
from sim.facilities import Depot, Station

#: Three stations on the small county, each with a Chinese name.
STATIONS = """\
name,name_zh,tier,node,capability,size,count
Seat Station,县城应急救援站,county,0,fire,6,3
Seat Station,县城应急救援站,county,0,medical,4,2
Seat Station,,county,0,general,40,1
East Station,东关乡镇应急救援站,township,20,general,30,2
East Station,东关乡镇应急救援站,township,20,fire,6,1
West Station,西岭乡镇应急救援站,township,40,general,30,2
West Station,西岭乡镇应急救援站,township,40,medical,4,1
"""

CONFIG = """\
name = "names"

[network]
synthetic = "county"
seed = 0
townships = 4
villages = 12
grid = 8

[facilities]
stations = "stations.csv"
depots = "none"

[scenario]
name = "typical_week"

[reinforcement]
name = "Provincial Rescue Corps"
name_zh = "省应急救援总队"
location = { node = 0 }
teams = [{ capability = "general", size = 50, count = 2 }]

[run]
seed = 3
replications = 2
"""

ZH = ("县城应急救援站", "东关乡镇应急救援站", "西岭乡镇应急救援站")
EN = ("Seat Station", "East Station", "West Station")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The config run in English (no plots) and in Chinese (with plots): folder and stdout."""
    base = tmp_path_factory.mktemp("names")
    (base / "stations.csv").write_text(STATIONS, encoding="utf-8")
    cfg = base / "names.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    out = {}
    for lang, plots in (("en", ["--no-plots"]), ("zh", [])):
        folder = base / lang
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main(["--lang", lang, "run", str(cfg), "--out", str(folder), *plots]) == 0
        out[lang] = (folder, buf.getvalue())
    return cfg, out


def test_the_busiest_stations_read_in_the_language_in_use(runs):
    _cfg, out = runs
    en = out["en"][1].splitlines()[-3]
    zh = out["zh"][1].splitlines()[-3]
    assert en.startswith("busiest stations"), en
    assert any(name in en for name in EN) and not any(name in en for name in ZH), en
    assert any(name in zh for name in ZH) and not any(name in zh for name in EN), zh


def test_machine_files_keep_the_english_name_and_are_identical(runs):
    _cfg, out = runs
    en, zh = out["en"][0], out["zh"][0]
    files = sorted(
        p.relative_to(en)
        for p in en.rglob("*")
        if p.is_file() and p.suffix != ".png" and not p.name.startswith(".")
    )
    assert any(f.suffix == ".csv" for f in files)
    for rel in files:
        if rel.name != "summary.json":
            assert (en / rel).read_bytes() == (zh / rel).read_bytes(), rel
    a = json.loads((en / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((zh / "summary.json").read_text(encoding="utf-8"))
    assert (a.pop("language"), b.pop("language")) == ("en", "zh")
    assert a == b
    keys = b["replications"][0]
    assert "utilisation_Seat Station_committed" in keys
    assert not any(name in k for k in keys for name in ZH)
    assert b["config"]["reinforcement"]["name_zh"] == "省应急救援总队"


def test_region_carries_the_chinese_names(runs):
    cfg, _out = runs
    names = RunConfig.from_file(cfg).region().names_zh
    assert names == {**dict(zip(EN, ZH, strict=True)), "Provincial Rescue Corps": "省应急救援总队"}
    with i18n.language("zh"):
        assert facility_label("East Station", names) == "东关乡镇应急救援站"
        assert facility_label("Other Station", names) == "Other Station"
    with i18n.language("en"):
        assert facility_label("East Station", names) == "East Station"


def _refused(tmp_path, table: str, capsys) -> str:
    (tmp_path / "stations.csv").write_text(table, encoding="utf-8")
    cfg = tmp_path / "names.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    assert main(["--lang", "en", "run", str(cfg), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    return err


def test_two_chinese_names_for_one_station_are_refused(tmp_path, capsys):
    table = STATIONS.replace(
        "东关乡镇应急救援站,township,20,fire", "东关镇应急救援站,township,20,fire"
    )
    err = _refused(tmp_path, table, capsys)
    assert "stations.csv" in err and "line 6, column name_zh" in err, err
    assert "东关镇应急救援站" in err and "line 5" in err, err


def test_a_chinese_name_must_be_one_printable_line(tmp_path, capsys):
    table = STATIONS.replace(
        "西岭乡镇应急救援站,township,40,general", '"西岭\n站",township,40,general'
    )
    err = _refused(tmp_path, table, capsys)
    assert "stations.csv" in err and "column name_zh" in err, err


def test_inline_tables_validate_name_zh():
    base = {"name": "A", "node": 0, "tier": "county", "teams": [{"capability": "fire", "size": 6}]}
    s = Station.from_dict({**base, "name_zh": "甲站"})
    assert s.name_zh == "甲站" and Station.from_dict(s.to_dict()) == s
    assert "name_zh" not in Station.from_dict(base).to_dict()  # unchanged when not given
    with pytest.raises(ConfigError, match="name_zh"):
        Station.from_dict({**base, "name_zh": "甲\n站"}, source="x.toml", key="stations[0]")
    with pytest.raises(ConfigError, match="name_zh"):
        Station.from_dict({**base, "name_zh": 3}, source="x.toml", key="stations[0]")
    d = Depot.from_dict(
        {"name": "D", "name_zh": "县级综合物资库", "node": 1, "tier": "county", "stock": {}}
    )
    assert Depot.from_dict(d.to_dict()) == d


def test_proposed_stations_keep_the_chinese_names_and_read_back(tmp_path, runs):
    cfg, _out = runs
    out = tmp_path / "site"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["site", str(cfg), "--p", "2", "--out", str(out), "--no-plots"])
    assert code == 0
    table = out / "stations" / "proposed_stations.csv"
    header = table.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:2] == ["name", "name_zh"]
    again = RunConfig.from_dict(
        {"network": {"synthetic": "county", "seed": 0, "townships": 4, "villages": 12, "grid": 8},
         "facilities": {"stations": str(table), "depots": "none"},
         "scenario": {"name": "typical_week"}, "run": {"replications": 1}},
        source="test", base_dir=tmp_path,
    )  # fmt: skip
    names = again.region().names_zh
    assert names.get("Seat Station") == "县城应急救援站"
    run_out = tmp_path / "run"
    toml = tmp_path / "again.toml"
    toml.write_text(
        CONFIG.replace('stations = "stations.csv"', f"stations = {json.dumps(str(table))}").replace(
            "replications = 2", "replications = 1"
        ),
        encoding="utf-8",
    )
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["run", str(toml), "--out", str(run_out), "--no-plots"]) == 0
