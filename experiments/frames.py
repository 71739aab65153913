"""Results as pandas tables: a run's summary (tidy) and siting results (a GeoDataFrame).

:func:`summary_frame` is ``summary.json``'s ``across_replications`` as one row
per metric; :func:`site_points` is a siting task's site table as points. A
run's records are :meth:`sim.records.RunRecords.to_frames` (and
:func:`sim.frames.incident_points`, :func:`sim.frames.dispatch_lines`); an
experiment's per-replication table is :func:`experiments.batch.run_experiment`
with ``out=None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Columns of :func:`summary_frame`.
SUMMARY_COLUMNS = ("metric", "mean", "ci_low", "ci_high", "n")


def summary_frame(results: Sequence[Any] | Mapping[str, Mapping[str, float]]) -> Any:
    """A run's summary as a tidy DataFrame: one row per metric.

    Parameters
    ----------
    results
        The replications' results (:class:`experiments.runner.ReplicationResult`,
        as :func:`experiments.replicate_parallel.run_replications` returns them),
        or the ``across_replications`` mapping of a ``summary.json``.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric``, ``mean``, ``ci_low``, ``ci_high`` (the 95 % Student-t
        interval over replications) and ``n`` (replications with a value), in the
        order of the summary's keys: the numbers ``summary.json`` holds (``nan``
        where it holds ``null``). The printed table shows some of these rows.
    """
    import pandas as pd

    from experiments.outputs import across_replications

    across = results if isinstance(results, Mapping) else across_replications(results)
    rows = [
        (k, *(float("nan") if v.get(c) is None else v[c] for c in SUMMARY_COLUMNS[1:4]), v["n"])
        for k, v in across.items()
    ]
    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    return frame.astype({"metric": str, "mean": float, "ci_low": float, "ci_high": float,
                         "n": "int64"})  # fmt: skip


def site_points(result: Any, proposed: Any) -> Any:
    """A siting task's sites as a GeoDataFrame of points (EPSG:4326).

    Parameters
    ----------
    result
        The solved task (:class:`experiments.siting.plan.SitingResult`).
    proposed
        The region with the proposed facilities
        (:func:`experiments.siting.proposal.proposed_region`).

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of ``sites.csv`` (:func:`experiments.siting.outputs.site_table`:
        current and proposed sites with their status) with a point ``geometry``.
    """
    import pandas as pd

    from experiments.siting.outputs import site_table
    from sim.frames import CRS, require_geopandas

    gpd = require_geopandas()
    frame = pd.DataFrame(site_table(result, proposed))
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs=CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)
