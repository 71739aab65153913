"""End-to-end tests of the ``yingji network`` and ``yingji demo`` commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from experiments.cli import main
from tests.conftest import REPO, osm_file


def test_network_build_then_info_json(tmp_path, capsys):
    out = tmp_path / "county.graphml"
    assert main(["network", "build", "--synthetic", "county", "--townships", "4",
                 "--villages", "12", "-o", str(out)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["network", "info", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["nodes"] > 500
    assert info["dropped"]["strongly_connected_parts"] == 0
    assert info["total_km"] > 0
    lon0, lat0, lon1, lat1 = info["bbox_lonlat"]
    assert lon0 < lon1 and lat0 < lat1


def test_network_build_synthetic_city_keeps_its_counties(tmp_path, capsys):
    """A small city written as GraphML reads back with its county seats and city defaults."""
    from networks import load_network

    out = tmp_path / "city.graphml"
    assert main(["network", "build", "--synthetic", "city", "--counties", "3", "--townships",
                 "5", "--villages", "30", "--grid", "20", "--county-grid", "8",
                 "-o", str(out)]) == 0  # fmt: skip
    net = load_network(out)
    kinds = [lm.kind for lm in net.landmarks]
    assert kinds.count("city") == 1 and kinds.count("county") == 3
    assert kinds.count("township") == 5 and kinds.count("village") == 30
    # The city's sizes given on the command line are the ones built (the grids by node count).
    from networks import synthetic_city

    small = synthetic_city(counties=3, townships=5, villages=30, grid=20, county_grid=8)
    assert net.n_nodes == small.n_nodes
    # Sizes not given keep the county's own defaults, not the city's.
    county = tmp_path / "county.graphml"
    assert main(["network", "build", "--synthetic", "county", "-o", str(county)]) == 0
    kinds = [lm.kind for lm in load_network(county).landmarks]
    assert kinds.count("township") == 10 and kinds.count("village") == 100


def test_network_info_reports_what_cleaning_dropped(capsys):
    path = osm_file("cn_jiangxi_guixi_osmapi_export.osm.bz2")
    assert main(["network", "info", str(path)]) == 0
    text = capsys.readouterr().out
    assert "nodes" in text and "dropped" in text
    dropped = int(text.split("dropped")[1].split("nodes")[0])
    assert dropped > 0  # the raw export has one-way stubs outside the main part


def test_network_plot_writes_an_image(tmp_path):
    out = tmp_path / "map.png"
    path = osm_file("cn_jiangxi_guixi_drive.osm.bz2")
    assert main(["network", "plot", str(path), "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"<osm><way id='1'>", "not a readable"),
        (b"<?xml version='1.0'?><osm version='0.6'></osm>", "no roads"),
    ],  # fmt: skip
)
def test_bad_network_files_exit_2_with_one_line(tmp_path, content, expect):
    path = tmp_path / "bad.osm"
    if content is not None:
        path.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "network", "info", str(path)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0] and expect in lines[0]
    assert "Traceback" not in proc.stderr


def test_plot_to_unknown_format_keeps_existing_files(tmp_path, capsys):
    keep = tmp_path / "map.xyz"
    keep.write_text("precious")
    path = osm_file("cn_jiangxi_guixi_drive.osm.bz2")
    assert main(["network", "plot", str(path), "-o", str(keep)]) == 2
    assert keep.read_text() == "precious"
    assert "map.xyz" in capsys.readouterr().err
