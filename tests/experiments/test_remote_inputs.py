"""Dask workers need not share a file system with the process that starts the run.

Every input file a task's configs read (road file, facility tables, scenario file
and its catalogue, incident log, travel-time matrix, policy package) is read here
and sent with the tasks; a worker writes them into a folder of its own. The tests
take the project away once the tasks are submitted, as a worker on another machine
never had it, and expect the serial results.
"""

from __future__ import annotations

import pickle
import shutil
import uuid
from pathlib import Path

import pytest

from experiments.batch import run_chunk, run_experiment
from experiments.config import RunConfig
from experiments.design import ExperimentSpec
from experiments.replicate_parallel import replicate_task, run_replications
from experiments.runner import run_replication
from experiments.task_inputs import InputShipper, run_shipped
from networks.errors import ConfigError
from scenarios import load_scenario
from tests.conftest import REPO

EXPERIMENT = """name = "remote"
replications = 2
root_seed = 5
[base]
config = "run.toml"
[[factors]]
key = "policy"
levels = [{{ name = "nearest_available" }}, {{ name = "{pkg}.seat:SeatReserve", reserve = 1 }}]
"""


def _run_toml(pkg: str, stations: str = "tables/stations.csv") -> str:
    return f"""name = "remote-run"
[network]
file = "net/county.graphml"
[facilities]
stations = "{stations}"
[scenario]
file = "scen/drill.toml"
incidents = "log.csv"
[travel]
matrix = "od.csv"
[policy]
name = "{pkg}.seat:SeatReserve"
reserve = 1
[run]
seed = 3
horizon_min = 900
"""


@pytest.fixture(scope="module")
def county_graphml(tmp_path_factory) -> Path:
    """A small county saved as a road file (loads in a fraction of a second)."""
    from networks import synthetic_county
    from networks.graphml import save_graphml

    path = tmp_path_factory.mktemp("net") / "county.graphml"
    save_graphml(synthetic_county(seed=0, townships=3, villages=20, grid=6), path)
    return path


def make_project(root: Path, graphml: Path) -> tuple[Path, str]:
    """A project of every kind of input file; returns its folder and its policy package."""
    pkg = f"rp_{uuid.uuid4().hex[:10]}"  # a name no other test imports
    (root / "net").mkdir(parents=True)
    shutil.copy(graphml, root / "net" / "county.graphml")
    (root / "scen").mkdir()
    shutil.copy(REPO / "examples/scenarios/my_hazards.toml", root / "scen" / "my_hazards.toml")
    shutil.copy(REPO / "examples/scenarios/dam_break_drill.toml", root / "scen" / "drill.toml")
    (root / "tables").mkdir()
    (root / "tables" / "stations.csv").write_text(
        "name,tier,node,area,capability,size,count\n"
        "Seat Station,county,0,County Seat,fire,6,2\n"
        "Seat Station,county,0,County Seat,medical,3,2\n"
        "East Station,township,40,East,fire,6,1\n"
        "East Station,township,40,East,medical,3,1\n"
        "East Station,township,40,East,general,30,1\n"
    )
    rows = [f"{30 * i},{(i * 37) % 500},{h},4" for i, h in
            enumerate(["building_fire", "traffic_accident"] * 10)]  # fmt: skip
    (root / "log.csv").write_text("time_min,node,hazard,grade\n" + "\n".join(rows) + "\n")
    (root / "od.csv").write_text("origin,destination,minutes,minutes_back\nSeat Station,0,3,4\n")
    # A policy package whose module imports a helper beside it.
    (root / pkg).mkdir()
    (root / pkg / "__init__.py").write_text("")
    (root / pkg / "helper.py").write_text('SEAT = "County Seat"\n')
    seat = (REPO / "examples/policies/seat_reserve.py").read_text(encoding="utf-8")
    imports = "from sim.policies import Candidate, DispatchView\n"
    seat = seat.replace(imports, f"{imports}from {pkg}.helper import SEAT\n")
    seat = seat.replace('area: str = "County Seat"', "area: str = SEAT")
    (root / pkg / "seat.py").write_text(seat)
    (root / "run.toml").write_text(_run_toml(pkg))
    (root / "exp.toml").write_text(EXPERIMENT.format(pkg=pkg))
    return root, pkg


def take_away_on_first_submit(monkeypatch, project: Path) -> Path:
    """Move ``project`` away as the first task is submitted: the workers never see it."""
    from distributed.cfexecutor import ClientExecutor

    gone = project.with_name(project.name + "_gone")
    submit = ClientExecutor.submit

    def first(self, *args, **kwargs):
        if project.exists():
            project.rename(gone)
        return submit(self, *args, **kwargs)

    monkeypatch.setattr(ClientExecutor, "submit", first)
    return gone


def test_an_experiment_on_dask_workers_without_the_files_gives_the_serial_table(
    tmp_path, county_graphml, monkeypatch
):
    pytest.importorskip("distributed")
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    serial = run_experiment(project / "exp.toml", None, progress=False).table
    spec = ExperimentSpec.from_file(project / "exp.toml")
    gone = take_away_on_first_submit(monkeypatch, project)
    res = run_experiment(spec, None, dask="local:1", progress=False)
    assert gone.exists() and not project.exists()  # the worker ran without the project
    assert res.executor == "dask local cluster (1)"
    assert res.table.equals(serial)
    assert set(res.table["point"]) == {0, 1} and res.table["incidents"].gt(0).all()


def test_run_replications_on_dask_workers_without_the_files_gives_the_serial_runs(
    tmp_path, county_graphml, monkeypatch
):
    pytest.importorskip("distributed")
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    config = RunConfig.from_file(project / "run.toml")
    serial = run_replications(config, replications=2)
    take_away_on_first_submit(monkeypatch, project)
    remote = run_replications(config, replications=2, dask="local:1")
    assert not project.exists()
    assert [r.summary for r in remote] == [r.summary for r in serial]


def _chunk_args(config: RunConfig) -> tuple:
    return (run_replication, [config], 0, 11, False, "en")


def test_a_task_brings_its_files_and_runs_where_they_are_not(tmp_path, county_graphml):
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    config = RunConfig.from_file(project / "run.toml")
    args = _chunk_args(config)
    from_disk = run_chunk(*args)
    payload = InputShipper([config], put=lambda data: data).payload(args)
    assert sorted(payload["files"]) == sorted([
        f"{_pkg}/__init__.py", f"{_pkg}/helper.py", f"{_pkg}/seat.py", "log.csv",
        "net/county.graphml", "od.csv", "scen/drill.toml", "scen/my_hazards.toml",
        "tables/stations.csv",
    ])  # fmt: skip
    shutil.move(project, tmp_path / "elsewhere")
    shipped = run_shipped(payload, run_chunk, *args)
    assert [o["summary"] for o in shipped] == [o["summary"] for o in from_disk]
    # Without the files the same task cannot run: the test takes them away for real.
    with pytest.raises(ConfigError, match="no such file|No such file"):
        run_replication(config, replication=0, root_seed=11)


def test_each_file_reaches_the_cluster_once_and_tasks_carry_only_handles(tmp_path, county_graphml):
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    spec = ExperimentSpec.from_file(project / "exp.toml")
    configs = [p.config for p in spec.points()]
    put: list[int] = []

    def scatter(data: bytes) -> str:
        put.append(len(data))
        return f"handle-{len(put)}"

    ship = InputShipper(configs, put=scatter)
    road = (project / "net" / "county.graphml").stat().st_size
    assert len(put) == 9 and road in put  # two points, one copy of every file between them
    sizes = []
    for r in range(20):  # as many tasks as replications: the road file is not sent again
        payload = ship.payload(_chunk_args(configs[r % 2]))
        assert set(payload["files"].values()) <= {f"handle-{i}" for i in range(1, 10)}
        sizes.append(len(pickle.dumps(payload)))
    assert len(put) == 9 and max(sizes) < road / 20


def test_a_users_error_on_a_worker_names_the_file_here(tmp_path, county_graphml):
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    table = project / "tables" / "stations.csv"
    table.write_text(table.read_text().replace("East,fire,6,1", "East,fire,6,-1"))
    config = RunConfig.from_file(project / "run.toml")
    args = _chunk_args(config)
    payload = InputShipper([config], put=lambda data: data).payload(args)
    out = run_shipped(payload, run_chunk, *args)
    error = str(out[0]["error"])
    assert str(table) in error and "yingji-inputs" not in error, error
    # Raised by the task rather than handed back: named here too.
    args = (config, 0, 11, None, "en")
    payload = InputShipper([config], put=lambda data: data).payload(args)
    with pytest.raises(ConfigError) as info:
        run_shipped(payload, replicate_task, *args)
    assert str(table) in str(info.value) and "yingji-inputs" not in str(info.value)


#: Ways TOML lets a scenario file name its catalogue by an absolute path ``{a}``.
ABSOLUTE = {
    "basic": 'catalogue = "{a}"',
    "literal": "catalogue = '{a}'",
    "comment": 'catalogue = "{a}"   # our bureau\'s catalogue',
    "multiline": 'catalogue = """{a}"""',
    "multiline_literal": "catalogue = '''{a}'''",
    "quoted_key": '"catalogue" = "{a}"',
}


@pytest.mark.parametrize("written", sorted(ABSOLUTE))
def test_a_catalogue_named_by_an_absolute_path_is_found_on_the_worker(
    tmp_path, county_graphml, written
):
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    shared = tmp_path / "shared"
    shared.mkdir()
    (project / "scen" / "my_hazards.toml").rename(shared / "hazards.toml")
    scenario = project / "scen" / "drill.toml"
    text = scenario.read_text(encoding="utf-8")
    line = ABSOLUTE[written].format(a=(shared / "hazards.toml").as_posix())
    absolute = text.replace('catalogue = "my_hazards.toml"', line)
    assert absolute != text
    scenario.write_text(absolute, encoding="utf-8")
    config = RunConfig.from_file(project / "run.toml")
    args = _chunk_args(config)
    from_disk = run_chunk(*args)
    payload = InputShipper([config], put=lambda data: data).payload(args)
    # The worker reads the scenario file's own bytes: nothing is edited to point elsewhere.
    [sent] = [data for name, data in payload["files"].items() if name.endswith("drill.toml")]
    assert sent == absolute.encode("utf-8")
    shutil.move(project, tmp_path / "elsewhere")
    shutil.move(shared, tmp_path / "shared_elsewhere")
    shipped = run_shipped(payload, run_chunk, *args)
    assert "error" not in shipped[0], shipped[0].get("error")
    assert shipped[0]["summary"] == from_disk[0]["summary"]


def _linked_scenario(project: Path) -> Path:
    """``link/s.toml`` -> ``real/s.toml`` naming ``../cat/h.toml``: two files by that text.

    Read through the link the scenario file reads ``real/../cat``, not ``project/cat``.
    """
    (project / "real" / "scen").mkdir(parents=True)
    (project / "real" / "cat").mkdir()
    (project / "cat").mkdir()
    hazards = (REPO / "examples/scenarios/my_hazards.toml").read_text(encoding="utf-8")
    assert "fire = [16, 10, 5, 3]" in hazards
    (project / "cat" / "h.toml").write_text(hazards, encoding="utf-8")
    fewer = hazards.replace("fire = [16, 10, 5, 3]", "fire = [2, 2, 1, 1]")
    (project / "real" / "cat" / "h.toml").write_text(fewer, encoding="utf-8")
    drill = (project / "scen" / "drill.toml").read_text(encoding="utf-8")
    drill = drill.replace('catalogue = "my_hazards.toml"', 'catalogue = "../cat/h.toml"')
    (project / "real" / "scen" / "s.toml").write_text(drill, encoding="utf-8")
    try:
        (project / "link").symlink_to(project / "real" / "scen", target_is_directory=True)
    except OSError:  # pragma: no cover - Windows without the right to make links
        pytest.skip("cannot make a symbolic link here")
    text = (project / "run.toml").read_text().replace("scen/drill.toml", "link/s.toml")
    (project / "run.toml").write_text(text.replace('incidents = "log.csv"\n', ""))
    return project / "run.toml"


@pytest.mark.parametrize("named_copy", ["there", "gone"])
def test_a_scenario_reached_through_a_link_gets_the_catalogue_read_here(
    tmp_path, county_graphml, named_copy
):
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    run = _linked_scenario(project)
    config = RunConfig.from_file(run)
    read_here = load_scenario(config.scenario).catalogue
    assert Path(read_here) == (project / "real/cat/h.toml").resolve()
    if named_copy == "gone":  # the file the text names beside the link is not needed
        shutil.rmtree(project / "cat")
    args = _chunk_args(config)
    from_disk = run_chunk(*args)
    payload = InputShipper([config], put=lambda data: data).payload(args)
    shutil.move(project, tmp_path / "elsewhere")
    shipped = run_shipped(payload, run_chunk, *args)
    assert "error" not in shipped[0], shipped[0].get("error")
    assert shipped[0]["summary"] == from_disk[0]["summary"]


def test_a_shapefile_travels_with_the_files_beside_it(tmp_path, county_graphml):
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    from networks import load_network

    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    net = load_network(project / "net" / "county.graphml")
    lon, lat = float(net.nodes.lon[0]), float(net.nodes.lat[0])
    frame = gpd.GeoDataFrame(
        {"name": ["Seat Station"] * 2, "tier": ["county"] * 2, "area": ["County Seat"] * 2,
         "capability": ["fire", "medical"], "size": [6, 3], "count": [2, 2]},
        geometry=[Point(lon, lat)] * 2, crs="EPSG:4326",
    )  # fmt: skip
    frame.to_file(project / "tables" / "st.shp")
    (project / "tables" / "ST.SHP.XML").write_text("<metadata/>")  # a sidecar, in any case
    # Files of its name that are no sidecar of it stay here, however large.
    (project / "tables" / "st.2019-archive.zip").write_bytes(b"\0" * 100_000)
    (project / "tables" / "st.csv").write_text("not, the table\n")
    (project / "run.toml").write_text(_run_toml(_pkg, stations="tables/st.shp"))
    config = RunConfig.from_file(project / "run.toml")
    args = _chunk_args(config)
    from_disk = run_chunk(*args)
    payload = InputShipper([config], put=lambda data: data).payload(args)
    tables = {n for n in payload["files"] if n.startswith("tables/")}
    needed = {
        "tables/st.shp",
        "tables/st.dbf",
        "tables/st.shx",
        "tables/st.prj",
        "tables/ST.SHP.XML",
    }
    assert needed <= tables <= needed | {"tables/st.cpg"}  # a .cpg if this GDAL writes one
    shutil.move(project, tmp_path / "elsewhere")
    assert run_shipped(payload, run_chunk, *args)[0]["summary"] == from_disk[0]["summary"]


def test_a_worker_handed_a_region_is_not_sent_the_road_file(tmp_path, county_graphml):
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    config = RunConfig.from_file(project / "run.toml")
    region = config.region()  # as yingji site --evaluate hands each worker its siting
    args = (config, 0, 11, region, "en")
    from_disk, _version = replicate_task(*args)
    payload = InputShipper([config], put=lambda data: data, network=False).payload(args)
    assert "net/county.graphml" not in payload["files"] and "log.csv" in payload["files"]
    shutil.move(project, tmp_path / "elsewhere")
    shipped, _version = run_shipped(payload, replicate_task, *args)
    assert shipped.summary == from_disk.summary


def test_a_file_gone_before_it_is_sent_is_one_line_naming_it(tmp_path, county_graphml):
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    config = RunConfig.from_file(project / "run.toml")
    (project / "od.csv").unlink()
    with pytest.raises(ConfigError, match="cannot read .*od.csv to send it to the Dask workers"):
        InputShipper([config], put=lambda data: data)


def test_a_scenario_saved_with_a_byte_order_mark_ships_its_catalogue_as_named(
    tmp_path, county_graphml
):
    # The scenario's catalogue is named relative to it: laid out as named, nothing handed over.
    project, _pkg = make_project(tmp_path / "proj", county_graphml)
    scenario = project / "scen" / "drill.toml"
    scenario.write_bytes(b"\xef\xbb\xbf" + scenario.read_bytes())
    config = RunConfig.from_file(project / "run.toml")
    payload = InputShipper([config], put=lambda data: data).payload(_chunk_args(config))
    assert payload["catalogues"] == []
    assert any(name.endswith("scen/my_hazards.toml") for name in payload["files"])
