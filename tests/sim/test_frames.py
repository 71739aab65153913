"""A run's records as DataFrames with places and clock times, and as GeoDataFrames."""

from __future__ import annotations

import importlib
import os
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.frames import TIME_COLUMNS, dispatch_lines, incident_points


def geopandas_or_skip():
    """geopandas; the test is skipped without it, except on CI where it must be there."""
    if os.environ.get("CI"):
        return importlib.import_module("geopandas")
    return pytest.importorskip("geopandas")


@pytest.fixture(scope="module")
def run():
    """Replication 0 of the county's typical week and its network."""
    from experiments.config import RunConfig
    from experiments.runner import run_replication

    cfg = RunConfig.from_dict(
        {
            "network": {"synthetic": "county"},
            "scenario": {"name": "typical_week"},
            "run": {"seed": 3, "travel_noise": 0.1},
        },
        source="week.toml",
    )
    region = cfg.region()
    records = run_replication(cfg, replication=0, region=region).records
    assert len(records) > 20 and len(records.dispatches["team"]) > 20
    return records, region.network


def test_without_arguments_the_frames_are_the_tables(run):
    records, _net = run
    frames = records.to_frames()
    assert frames.keys() == records.tables().keys()
    for name, table in records.tables().items():
        assert list(frames[name].columns) == list(table)
        for col, values in table.items():
            nan = values.dtype.kind == "f"
            assert np.array_equal(frames[name][col].to_numpy(), values, equal_nan=nan)


def test_lon_lat_are_the_network_coordinates_of_each_node(run):
    records, net = run
    frames = records.to_frames(network=net)
    inc, d = frames["incidents"], frames["dispatches"]
    nodes = records.incidents["node"]
    assert np.array_equal(inc["lon"].to_numpy(), net.nodes.lon[nodes])
    assert np.array_equal(inc["lat"].to_numpy(), net.nodes.lat[nodes])
    scene = nodes[records.dispatches["incident"]]
    assert np.array_equal(d["lon"].to_numpy(), net.nodes.lon[scene])
    assert np.array_equal(d["from_lat"].to_numpy(), net.nodes.lat[records.dispatches["from_node"]])
    home = ~records.dispatches["from_scene"]
    station_node = records.stations["node"][records.dispatches["station"]]
    assert np.array_equal(d["from_lon"].to_numpy()[home], net.nodes.lon[station_node[home]])
    st_frame = frames["stations"]
    assert np.array_equal(st_frame["lat"].to_numpy(), net.nodes.lat[records.stations["node"]])
    assert "_at" not in "".join(inc.columns)  # no start given, none recorded: minutes only


@settings(max_examples=15, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
    zone=st.sampled_from([None, UTC, timezone(timedelta(hours=8))]),
)
def test_timestamps_are_the_start_plus_the_minutes(run, start, zone):
    records, _net = run
    start = start.replace(tzinfo=zone)
    frames = records.to_frames(start=start)
    for name, cols in TIME_COLUMNS.items():
        if name not in frames:
            continue
        for col in cols:
            minutes = frames[name][col].to_numpy(dtype=float)
            at = frames[name][f"{col}_at"]
            assert at.isna().to_numpy().tolist() == np.isnan(minutes).tolist()
            back = (at - pd.Timestamp(start)) / pd.Timedelta(minutes=1)
            ok = ~np.isnan(minutes)
            assert np.allclose(back.to_numpy(dtype=float)[ok], minutes[ok], rtol=0, atol=1e-6)
    # Durations stay durations.
    assert "travel_at" not in frames["dispatches"] and "turnout_at" not in frames["dispatches"]


def test_a_start_the_run_recorded_is_used_when_none_is_given(run):
    records, _net = run
    records.meta["start"] = "2025-07-01T08:00:00+08:00"
    try:
        at = records.to_frames()["incidents"]["call_at"]
    finally:
        del records.meta["start"]
    first = pd.Timestamp("2025-07-01T08:00:00+08:00") + pd.Timedelta(
        minutes=float(records.incidents["call"][0])
    )
    assert abs(at.iloc[0] - first) < pd.Timedelta(microseconds=1)


def test_incident_points_and_dispatch_lines(run):
    gpd = geopandas_or_skip()
    records, net = run
    pts = incident_points(records, net, start="2025-07-01 08:00")
    assert isinstance(pts, gpd.GeoDataFrame) and pts.crs.to_epsg() == 4326
    nodes = records.incidents["node"]
    assert np.array_equal(pts.geometry.x.to_numpy(), net.nodes.lon[nodes])
    assert np.array_equal(pts.geometry.y.to_numpy(), net.nodes.lat[nodes])
    assert "call_at" in pts
    lines = dispatch_lines(records, net)
    assert lines.crs.to_epsg() == 4326 and len(lines) == len(records.dispatches["team"])
    first = np.array([ln.coords[0] for ln in lines.geometry])
    last = np.array([ln.coords[-1] for ln in lines.geometry])
    frm = records.dispatches["from_node"]
    scene = nodes[records.dispatches["incident"]]
    assert np.array_equal(first, np.column_stack([net.nodes.lon[frm], net.nodes.lat[frm]]))
    assert np.array_equal(last, np.column_stack([net.nodes.lon[scene], net.nodes.lat[scene]]))
