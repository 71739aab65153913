"""Run configs and locations: validation names the file and the key."""

from __future__ import annotations

import pytest

from experiments.config import RunConfig
from experiments.locations import read_table, resolve_location
from networks import ConfigError
from tests.conftest import REPO


def test_every_location_form_finds_the_same_node(county):
    node = county.landmarks[5].node
    x, y = float(county.nodes.x[node]), float(county.nodes.y[node])
    lon, lat = float(county.nodes.lon[node]), float(county.nodes.lat[node])
    forms = [
        {"node": node},
        {"osmid": int(county.nodes.osmid[node])},
        {"lon": lon, "lat": lat},
        [lon, lat],
        {"x": x + 3.0, "y": y - 3.0},
        f"landmark:{county.landmarks[5].name}",
    ]
    for form in forms:
        assert resolve_location(form, county) == node, form


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"node": -1}, "not on the network"),
        ({"lon": 0.0, "lat": 0.0}, "km from the nearest road node"),
        ("landmark:Atlantis", "no landmark 'Atlantis'"),
        ({"lon": "east"}, "lon is given without lat"),  # names the empty cell
        ({"lat": 28.3, "lon": ""}, "lat is given without lon"),
        ({"x": "a", "y": 1}, "expected a finite number"),
    ],
)
def test_bad_locations_name_file_and_key(county, value, message):
    with pytest.raises(ConfigError, match=message) as info:
        resolve_location(value, county, source="region.toml", key="stations[3].location")
    assert str(info.value).startswith("region.toml: stations[3].location")


def _write(tmp_path, text, name="run.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_config_round_trips(tmp_path):
    path = _write(
        tmp_path, '[network]\nsynthetic = "county"\n[run]\nseed = 7\ntravel_noise = 0.1\n'
    )
    cfg = RunConfig.from_file(path)
    assert cfg.seed == 7 and cfg.travel_noise == 0.1 and cfg.stations == "default"
    again = RunConfig.from_dict(cfg.to_dict(), source=str(path), base_dir=tmp_path)
    assert again.to_dict() == cfg.to_dict()


def test_a_chinese_run_name_round_trips_and_names_the_run_in_chinese_only(tmp_path):
    from experiments.outputs import format_summary
    from experiments.runner import run_replication
    from networks import i18n

    text = 'name = "county"\nname_zh = "县域示例"\n[network]\nsynthetic = "county"\n'
    text += "[run]\nhorizon_min = 120\n"
    cfg = RunConfig.from_file(_write(tmp_path, text))
    assert cfg.name_zh == "县域示例" and cfg.to_dict()["name_zh"] == "县域示例"
    again = RunConfig.from_dict(cfg.to_dict(), source="again.toml", base_dir=tmp_path)
    assert again.name_zh == cfg.name_zh and again.to_dict() == cfg.to_dict()
    # Without name_zh the plain data has no such key (earlier configs keep their hash).
    plain = RunConfig.from_file(_write(tmp_path, text.replace('name_zh = "县域示例"\n', "")))
    assert "name_zh" not in plain.to_dict()
    results = [run_replication(cfg, replication=0)]
    with i18n.language("zh"):
        zh = format_summary(cfg, results).splitlines()[0]
    with i18n.language("en"):
        en = format_summary(cfg, results).splitlines()[0]
    assert zh.startswith("县域示例") and en.startswith("county") and "县域示例" not in en
    with pytest.raises(ConfigError, match="name_zh") as err:
        RunConfig.from_file(_write(tmp_path, text.replace('"县域示例"', "3")))
    assert err.value.key == "name_zh"


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ('[network]\nsynthetic = "county"\n[run]\nseeed = 1\n', "run.seeed", "unknown key"),
        (
            '[network]\nsynthetic = "county"\n[run]\ntravel_noise = -0.5\n',
            "run.travel_noise",
            ">= 0",
        ),
        ('[network]\nsynthetic = "town"\n', "network.synthetic", "unknown synthetic"),
        ("[network]\n", "network", "exactly one"),
        ('[network]\nsynthetic = "county"\n[run]\nreplications = 0\n', "run.replications", ">= 1"),
        ('[network]\nsynthetic = "county"\n[targets]\narrival = -10\n', "targets.arrival", ">= 0"),
        ('[network]\nsynthetic = "county"\n[policy]\nname = "random"\n', "policy", "random"),
        (
            '[network]\nsynthetic = "county"\n[network.speeds]\nresidential = -5\n',
            "network.speeds.residential",
            "> 0",
        ),  # fmt: skip
    ],
)
def test_config_mistakes_name_file_and_key(tmp_path, text, key, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        RunConfig.from_file(path)
    text_ = str(info.value)
    assert text_.startswith(f"{path}: {key}"), text_
    assert message.strip("> ") in text_ or message in text_


def test_malformed_toml_names_the_file(tmp_path):
    path = _write(tmp_path, "[network\nsynthetic = county")
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        RunConfig.from_file(path)
    assert str(path) in str(info.value)


def test_station_table_rows_group_into_stations(tmp_path, county):
    town = next(lm for lm in county.landmarks if lm.kind == "township")
    lon, lat = county.nodes.lon[town.node], county.nodes.lat[town.node]
    csv_path = tmp_path / "stations.csv"
    csv_path.write_text(
        "name,tier,lon,lat,capability,size,count,turnout_min\n"
        f"T1,township,{lon},{lat},general,32,1,2.0\n"
        f"T1,township,{lon},{lat},fire,8,2,\n"
        f"Seat,city,,,fire,6,3,\n".replace(",,,fire", ",,,fire")
    )
    rows = read_table(csv_path)
    assert len(rows) == 3
    cfg_path = _write(
        tmp_path,
        '[network]\nsynthetic = "county"\n[facilities]\nstations = "stations.csv"\n',
    )
    cfg = RunConfig.from_file(cfg_path)
    with pytest.raises(ConfigError, match="no location") as info:
        cfg.region()
    assert "stations.csv: line 4" in str(info.value)
    csv_path.write_text(csv_path.read_text().replace("Seat,city,,", "Seat,city,117.2,28.3"))
    region = RunConfig.from_file(cfg_path).region()
    by_name = {s.name: s for s in region.stations}
    assert by_name["T1"].node == town.node
    assert [(t.capability, t.size, t.count) for t in by_name["T1"].teams] == [
        ("general", 32, 1),
        ("fire", 8, 2),
    ]


def test_station_off_the_network_is_refused(tmp_path):
    cfg_path = _write(
        tmp_path,
        '[network]\nsynthetic = "county"\n'
        '[[stations]]\nname = "Sea"\ntier = "city"\nlocation = [120.0, 20.0]\n'
        '[[stations.teams]]\ncapability = "fire"\nsize = 6\n',
    )
    with pytest.raises(ConfigError, match="not on the network") as info:
        RunConfig.from_file(cfg_path).region()
    assert str(info.value).startswith(f"{cfg_path}: stations[0].location")


def test_township_stations_vary_stations_on_the_same_map(tmp_path):
    base = '[network]\nsynthetic = "county"\n'
    full = RunConfig.from_file(_write(tmp_path, base, "full.toml")).region()
    few_cfg = RunConfig.from_file(
        _write(tmp_path, base + "[facilities]\ntownship_stations = 4\n", "few.toml")
    )
    few = few_cfg.region()
    assert len(full.stations) == 11 and len(few.stations) == 5
    assert few.network is full.network  # same map: the network is built once
    assert {s.name for s in few.stations} < {s.name for s in full.stations}
    assert len(few.depots) == len(full.depots)
    again = RunConfig.from_dict(few_cfg.to_dict(), source="x", base_dir=tmp_path)
    assert again.township_stations == 4


def test_depot_item_unknown_names_the_table_row(tmp_path):
    csv_path = tmp_path / "depots.csv"
    csv_path.write_text(
        "name,tier,landmark,parent,lead_time_min,item,quantity\n"
        "Seat Depot,city,County Seat,,0,tents,100\n"
        "Seat Depot,city,County Seat,,0,sandbag,500\n"
    )
    cfg = RunConfig.from_file(
        _write(tmp_path, '[network]\nsynthetic = "county"\n[facilities]\ndepots = "depots.csv"\n')
    )
    with pytest.raises(ConfigError, match="unknown supply item 'sandbag'") as info:
        cfg.region()
    assert str(info.value).startswith(f"{csv_path}: line 3, column item")


REINFORCED = """
[network]
synthetic = "county"
[scenario]
name = "earthquake_m6"
[reinforcement]
name = "Provincial Rescue Corps"
location = "landmark:County Seat"
max_grade = 2
delay_min = 180
teams = [{ capability = "general", size = 50, count = 3 }]
"""


def test_reinforcement_is_placed_and_called_in_by_a_grave_event(tmp_path):
    from experiments.runner import run_replication

    path = tmp_path / "r.toml"
    path.write_text(REINFORCED)
    cfg = RunConfig.from_file(path)
    region = cfg.region()
    seat = next(lm.node for lm in region.network.landmarks if lm.name == "County Seat")
    assert region.reinforcement.station.node == seat
    assert region.reinforcement.station.tier == "provincial"
    res = run_replication(cfg, replication=0)
    stream_grades = res.records.incidents["grade"]
    called = res.summary["reinforcement_called_min"]
    if (stream_grades <= 2).any():
        first = res.records.incidents["call_taken"][stream_grades <= 2].min()
        assert called == first
        assert res.summary["reinforcement_arrived_min"] == first + 180
    else:
        assert called is None
    again = RunConfig.from_dict(cfg.to_dict(), source=str(path), base_dir=tmp_path)
    assert again.reinforcement == cfg.reinforcement and again == cfg


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (('location = "landmark:County Seat"\n', ""), "reinforcement.location"),
        (("max_grade = 2", "max_grade = 0"), "reinforcement.max_grade"),
        (("delay_min = 180", "delay_min = -1"), "reinforcement.delay_min"),
        (("count = 3", "count = -3"), "reinforcement.teams[0].count"),
        (
            ('location = "landmark:County Seat"', "location = [100.0, 10.0]"),
            "reinforcement.location",
        ),
        (("max_grade = 2", "grade = 2"), "reinforcement"),
    ],
)
def test_reinforcement_mistakes_name_file_and_key(tmp_path, edit, key):
    path = tmp_path / "r.toml"
    path.write_text(REINFORCED.replace(*edit))
    with pytest.raises(ConfigError) as err:
        RunConfig.from_file(path).region()
    assert str(err.value).startswith(f"{path}: {key}")


def test_default_depots_on_a_network_without_places_say_how_to_leave_them_out(tmp_path):
    # a station siting on OSM roads needs no depots: the refusal says depots = "none" too
    text = (REPO / "examples" / "shanghai" / "run.toml").read_text(encoding="utf-8")
    text = text.replace('depots = "depots.csv"', 'depots = "default"')
    cfg_path = tmp_path / "shanghai" / "run.toml"
    cfg_path.parent.mkdir()
    cfg_path.write_text(text.replace("../data/", f"{(REPO / 'examples' / 'data').as_posix()}/"),
                        encoding="utf-8")  # fmt: skip
    (tmp_path / "shanghai" / "stations.csv").write_bytes(
        (REPO / "examples" / "shanghai" / "stations.csv").read_bytes()
    )
    with pytest.raises(ConfigError, match='depots = "none"') as info:
        RunConfig.from_file(cfg_path).region()
    assert "facilities.depots" in str(info.value)
    ok = text.replace('depots = "default"', 'depots = "none"')
    cfg_path.write_text(ok.replace("../data/", f"{(REPO / 'examples' / 'data').as_posix()}/"),
                        encoding="utf-8")  # fmt: skip
    assert RunConfig.from_file(cfg_path).region().depots == ()
