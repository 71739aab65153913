"""A road network from a streamed GraphML file, as ``from_networkx(read_graphml(...))`` makes it.

Notes
-----
:func:`compile_graphml` turns the columns of :func:`networks.graphml_read.parse_graphml`
into the :class:`~networks.roadnet.RoadNetwork` that
:func:`networks.convert.from_networkx` makes of :func:`networks.graphml.read_graphml`'s
graph, array for array: the same nodes in the same order, the same edges (in
``edge_id`` order, else networkx's), lengths, speeds, classes, names, times,
closures and geometry. Numbers are checked with numpy; only distinct values
(road classes, names, ``maxspeed`` and ``closed`` tags) go through the
per-edge functions of :mod:`networks.convert`. A bad value is refused with
the words the old path used, naming the same node or edge: the first bad one
is found with numpy and handed to the same check.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from networks.convert import (
    MAX_SPEED_KPH,
    _edge_flag,
    _edge_number,
    _geometry,
    _maxspeed_kph,
    _road_class,
    names,
    node_number,
    node_table,
)
from networks.credit import graph_attribution
from networks.errors import NetworkError
from networks.graphml_columns import (
    EDGE_FLOATS,
    NODE_FLOATS,
    Column,
    GraphMLTables,
    directed_edges,
    merged_edges,
    typed_number,
    untext,
)
from networks.i18n import _
from networks.osmfile import _OSM_HIGHWAYS, _is_drivable
from networks.roadnet import EdgeTable, Landmark, RoadNetwork, largest_strongly_connected
from networks.speeds import speed_for, speed_table, warn_unused_overrides

#: Edge attributes :func:`networks.convert.names` reads.
_NAME_ATTRS = (
    "yingji_names",
    "name",
    "name:en",
    "name:zh-Latn-pinyin",
    "name:zh_pinyin",
    "name_zh",
    "name:zh",
    "name:zh-Hans",
    "name:zh-CN",
)
_DRIVE_ATTRS = ("highway", "area", "access", "service")


def _distinct(values: Iterable[Any], fn: Any) -> tuple[list[Any], np.ndarray]:
    """``fn`` of each distinct value (called once per value) and each value's index among them."""
    seen: dict[Any, int] = {}
    # the row where each value is first seen, in C (no Python call per row), then renumbered
    first_row = np.fromiter(map(seen.setdefault, values, itertools.count()), dtype=np.int64)
    codes = np.searchsorted(np.fromiter(seen.values(), dtype=np.int64), first_row)
    return [fn(v) for v in seen], codes


class _Table:
    """Columns of a :class:`GraphMLTables` made dense over a number of rows (last value wins)."""

    def __init__(self, cols: Mapping[str, Column], target: np.ndarray, size: int) -> None:
        self.cols, self.target, self.size = cols, target, size
        self._dense: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def has(self, name: str) -> bool:
        """Whether any row has ``name``."""
        return len(self.cols[name].rows) > 0

    def all_text(self, name: str) -> bool:
        """Whether every value of ``name`` is text or a float (no int or bool of a typed key)."""
        return self.cols[name].all_text

    def where(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows that have ``name`` (mask), and the position of each one's value (``-1``: none)."""
        if name not in self._dense:
            self._dense[name] = self.cols[name].winners(self.target, self.size)
        return self._dense[name]

    def floats(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Mask of rows with a number ``name``, and the numbers (``nan`` elsewhere)."""
        present, pos = self.where(name)
        out = np.full(self.size, np.nan)
        out[present] = np.frombuffer(self.cols[name].values, dtype=np.float64)[pos[present]]
        return present, out

    def objects(self, name: str) -> np.ndarray:
        """The values of ``name`` as read, ``None`` where a row has none."""
        present, pos = self.where(name)
        values = np.empty(len(self.cols[name].values) + 1, dtype=object)
        values[:-1] = self.cols[name].values  # values[-1] (position -1) stays None
        return values[pos]

    def failed(self, name: str) -> np.ndarray:
        """Mask of rows whose ``name`` is text that is not a number."""
        col = self.cols[name]
        if not col.failed:
            return np.zeros(self.size, dtype=bool)
        present, pos = self.where(name)
        return present & np.isin(pos, np.fromiter(col.failed, dtype=np.int64))

    def original(self, name: str, row: int) -> Any:
        """Row ``row``'s ``name`` as the old reader held it (text as float, typed as read)."""
        return self.cols[name].original(int(self.where(name)[1][row]))


def _refuse_text_numbers(
    t: GraphMLTables, nodes: _Table, edges: _Table, items: tuple[np.ndarray, ...]
) -> None:
    """Refuse the first number given as text that is not one: nodes first, then edges in order."""
    bad = np.stack([nodes.failed(k) for k in NODE_FLOATS])
    if bad.any():
        i = int(np.argmax(bad.any(axis=0)))
        k = NODE_FLOATS[int(np.argmax(bad[:, i]))]
        value = t.nodes[k].failed[int(nodes.where(k)[1][i])]
        typed_number(value, k, _("node {node}").format(node=t.node_ids[i]))
    iu, iv, idoc = items
    bad = np.stack([edges.failed(k)[idoc] for k in EDGE_FLOATS])
    if bad.any():
        j = int(np.argmax(bad.any(axis=0)))
        k = EDGE_FLOATS[int(np.argmax(bad[:, j]))]
        value = t.edges[k].failed[int(edges.where(k)[1][idoc[j]])]
        what = _("edge {u}->{v}").format(u=t.node_ids[iu[j]], v=t.node_ids[iv[j]])
        typed_number(value, k, what)


def _keeps(d: Mapping[str, Any]) -> bool:
    """Whether :func:`networks.osmfile.drivable_part` keeps an edge of these attributes."""
    hw = d.get("highway")
    classes = hw if isinstance(hw, list) else [hw]
    return not (all(h in _OSM_HIGHWAYS for h in classes) and not _is_drivable(d))


def compile_graphml(
    t: GraphMLTables, path: Path, *, speeds: Mapping[str, float] | None = None, name: str = ""
) -> RoadNetwork:
    """The road network of a parsed GraphML file, as ``from_networkx(read_graphml(path))``.

    Parameters
    ----------
    t
        What :func:`networks.graphml_read.parse_graphml` read.
    path
        The file, named in errors.
    speeds
        Overrides for the road-class speed table (km/h).
    name
        Label for the network (else the graph's ``name``).

    Returns
    -------
    RoadNetwork
        Its largest strongly connected part, drivable OSM edges only.

    Raises
    ------
    networks.errors.NetworkError
        A node or edge value the old path refuses, in its words, naming the file.
    """
    n = len(t.node_ids)
    rep = merged_edges(t)
    iu, iv, idoc = directed_edges(t, rep)
    nodes = _Table(t.nodes, t.node_of_element, n)
    edges = _Table(t.edges, rep, rep.size)
    try:
        _refuse_text_numbers(t, nodes, edges, (iu, iv, idoc))
        keeps, codes = _text(edges, idoc, _DRIVE_ATTRS, _keeps)
        keep = np.asarray(keeps, dtype=bool)[codes]
        node_keep = np.ones(n, dtype=bool)
        if not keep.all():  # drop the nodes that only dropped edges reached
            degree = np.bincount(iu[keep], minlength=n) + np.bincount(iv[keep], minlength=n)
            node_keep[np.concatenate([iu[~keep], iv[~keep]])] = False
            node_keep |= degree > 0
            iu, iv, idoc = iu[keep], iv[keep], idoc[keep]
        if not node_keep.any() or not idoc.size:
            raise NetworkError(_("the network has no drivable roads"))
        kept = np.flatnonzero(node_keep)
        renumber = np.cumsum(node_keep) - 1
        iu, iv = renumber[iu], renumber[iv]
        return _compile(t, nodes, edges, kept, (iu, iv, idoc), speeds=speeds, name=name, path=path)
    except NetworkError as exc:
        raise NetworkError(f"{path}: {exc}") from exc


def _node_numbers(nodes: _Table, kept: np.ndarray, ids: list[str], name: str) -> np.ndarray:
    """A finite number ``name`` of every kept node, else the old path's error for the first bad."""
    present, values = (a[kept] for a in nodes.floats(name))
    bad = ~present | ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        node_number(nodes.original(name, int(kept[i])) if present[i] else None, ids[i], name)
    return values


def _edge_id_order(edges: _Table, idoc: np.ndarray) -> np.ndarray | None:
    """Order of the edges by ``edge_id`` if every one has a distinct integer one, else ``None``."""
    if not edges.has("edge_id"):
        return None
    try:
        keys = np.asarray(list(map(int, map(str.strip, map(str, edges.objects("edge_id")[idoc])))))
    except ValueError:  # absent or not an integer: the graph's own order
        return None
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    return None if np.any(ranked[1:] == ranked[:-1]) else order


class _Items:
    """Edges as :func:`networks.convert._geometry` reads them: ``(tail, head, {"geometry": g})``."""

    def __init__(self, ids: list[str], ends: tuple[np.ndarray, ...], geometry: dict[int, Any]):
        self.ids, self.ends, self.geometry = ids, ends, geometry

    def __len__(self) -> int:
        return len(self.ends[0])

    def __getitem__(self, k: int) -> tuple[str, str, dict[str, Any]]:
        u, v = self.ends
        return self.ids[u[k]], self.ids[v[k]], {"geometry": self.geometry[k]}


def _geometries(edges: _Table, idoc: np.ndarray) -> dict[int, Any]:
    """Each edge's ``geometry`` where it has one, WKT made a line where it parses (as before)."""
    if not edges.has("geometry"):
        return {}
    values = edges.objects("geometry")[idoc]
    bent = [k for k, g in enumerate(values.tolist()) if g is not None]
    out = {k: untext(values[k]) for k in bent}
    text = [k for k in bent if isinstance(out[k], str)]
    if text:
        import shapely

        wkt = np.empty(len(text), dtype=object)  # not a fixed-width text array: lines are long
        wkt[:] = [out[k] for k in text]
        lines = shapely.from_wkt(wkt, on_invalid="ignore")
        out.update((k, line) for k, line in zip(text, lines, strict=True) if line is not None)
    return out


def _text(edges: _Table, idoc: np.ndarray, attrs: tuple[str, ...], fn: Any) -> tuple[list, Any]:
    """``fn`` of each edge's ``attrs`` (a dict of those it has, lists restored), once per set."""
    present = [k for k in attrs if edges.has(k)]
    if not present:
        return [fn({})], np.zeros(idoc.size, dtype=np.int64)
    columns = [edges.objects(k)[idoc] for k in present]
    # 1 and True (of keys typed int and boolean) are one dict key: tell them apart by type
    types = [list(map(type, edges.objects(k)[idoc])) for k in present if not edges.all_text(k)]
    n = len(present)

    def call(values: tuple[Any, ...]) -> Any:
        pairs = zip(present, values[:n], strict=True)
        return fn({k: untext(v) for k, v in pairs if v is not None})

    return _distinct(zip(*columns, *types, strict=True), call)


def _compile(
    t: GraphMLTables,
    nodes: _Table,
    edges: _Table,
    kept: np.ndarray,
    items: tuple[np.ndarray, ...],
    *,
    speeds: Mapping[str, float] | None,
    name: str,
    path: Path,
) -> RoadNetwork:
    """:func:`compile_graphml` once the drivable edges and their nodes are known."""
    table = speed_table(speeds)
    ids = [t.node_ids[i] for i in kept.tolist()]
    node_tab, crs, project = node_table(
        ids,
        lambda k: _node_numbers(nodes, kept, ids, k),
        str(t.graph.get("crs", "EPSG:4326")),
        lonlat=bool(nodes.where("lon")[0][kept[0]]),  # as from_networkx: the first node tells
    )
    iu, iv, idoc = items
    order = _edge_id_order(edges, idoc)
    if order is not None:
        iu, iv, idoc = iu[order], iv[order], idoc[order]
    has_len, length = (a[idoc] for a in edges.floats("length"))
    has_speed, own_speed = (a[idoc] for a in edges.floats("speed_kph"))
    has_time, own_time = (a[idoc] for a in edges.floats("travel_time"))
    flags, flag_codes = _text(edges, idoc, ("closed",), lambda d: _flag(d.get("closed")))
    flag = np.asarray([f is True for f in flags])[flag_codes]
    ok = has_len & np.isfinite(length) & (length >= 0)
    ok &= ~has_speed | (np.isfinite(own_speed) & (own_speed > 0) & (own_speed <= MAX_SPEED_KPH))
    ok &= ~has_time | (own_time == math.inf) | (np.isfinite(own_time) & (own_time >= 0))
    ok &= np.asarray([f is not None for f in flags])[flag_codes]
    if not ok.all():
        _refuse_edge(int(np.argmin(ok)), edges, (ids, iu, iv, idoc))
    # speed: the edge's own, else its maxspeed, else its class's; the class its speed came from
    by_class, class_codes = _text(edges, idoc, ("highway",), lambda d: _by_class(d, table))
    limits, limit_codes = _text(edges, idoc, ("maxspeed",), _limit)
    limit = np.asarray(limits, dtype=float)[limit_codes]
    speed = np.where(has_speed, own_speed, np.where(np.isnan(limit), 0.0, limit))
    speed = np.where(speed > 0, speed, np.asarray([s for s, _c in by_class])[class_codes])
    time = np.where(has_time & (own_time < math.inf), own_time, np.nan)
    closed = flag | (has_time & (own_time == math.inf))
    given = ~np.isnan(time)
    own = has_speed | ~np.isnan(limit)
    warn_unused_overrides(speeds, int((~given & ~own).sum()), len(own), str(path))
    if given.any():  # the graph's own seconds where it has them, length / speed elsewhere
        time[~given] = length[~given] / (speed[~given] / 3.6)
    pairs, name_codes = _text(edges, idoc, _NAME_ATTRS, names)
    u, v = iu.astype(np.int32), iv.astype(np.int32)
    geometry = _geometries(edges, idoc)
    xy = np.column_stack([node_tab.x, node_tab.y])
    bent = sorted(geometry)
    edge_table = EdgeTable(
        u,
        v,
        length,
        speed,
        np.asarray([c for _s, c in by_class])[class_codes],
        np.asarray([en for en, _zh in pairs], dtype=str)[name_codes],
        np.asarray([zh for _en, zh in pairs], dtype=str)[name_codes],
        time if given.any() else None,
        closed if closed.any() else None,
        _geometry(_Items(ids, (iu, iv), geometry), bent, u, v, xy, project) if bent else None,
    )
    node_tab, edge_table, report, scc = largest_strongly_connected(node_tab, edge_table)
    report.attribution = graph_attribution(t.graph)  # as from_networkx records it
    return RoadNetwork(
        node_tab,
        edge_table,
        crs=crs,
        landmarks=_landmarks(nodes, kept, scc),
        name=name or t.graph.get("name", ""),
        cleaning=report,
    )


def _flag(value: Any) -> bool | None:
    """A ``closed`` value as true or false, ``None`` if absent or neither (refused later)."""
    if value is None:
        return False
    try:
        return _edge_flag(value, "", "", "closed")
    except NetworkError:
        return None


def _by_class(d: Mapping[str, Any], table: Mapping[str, float]) -> tuple[float, str]:
    """Speed and road class of an edge without a speed of its own, as from_networkx gives them."""
    hw = d.get("highway", "road")
    return speed_for(hw, table), _road_class(hw, table)


def _limit(d: Mapping[str, Any]) -> float:
    """An edge's ``maxspeed`` in km/h, ``nan`` if absent or unusable."""
    value = _maxspeed_kph(d["maxspeed"]) if d.get("maxspeed") is not None else None
    return value if value else math.nan


def _refuse_edge(k: int, edges: _Table, where: tuple[Any, ...]) -> None:
    """Raise the old path's error for edge ``k``, checking its values in the old order."""
    ids, iu, iv, idoc = where
    a, b, row = ids[iu[k]], ids[iv[k]], int(idoc[k])
    present = {n: bool(edges.where(n)[0][row]) for n in (*EDGE_FLOATS, "closed")}
    if not present["length"]:
        raise NetworkError(_("edge {u}->{v} has no length").format(u=a, v=b))
    _edge_number(edges.original("length", row), a, b, "length", _("metres"))
    if present["speed_kph"]:
        value = edges.original("speed_kph", row)
        _edge_number(value, a, b, "speed_kph", "km/h", hi=MAX_SPEED_KPH, positive=True)
    if present["travel_time"]:
        value = edges.original("travel_time", row)
        _edge_number(value, a, b, "travel_time", _("seconds"), inf_ok=True)
    if present["closed"]:
        _edge_flag(untext(edges.objects("closed")[row]), a, b, "closed")


def _landmarks(nodes: _Table, kept: np.ndarray, scc: np.ndarray) -> list[Landmark]:
    """The named places on the kept nodes that stay in the largest strongly connected part."""
    if not nodes.has("landmark"):
        return []
    new_index = np.full(kept.size, -1, dtype=np.int64)
    new_index[scc] = np.arange(scc.size)
    columns = {k: nodes.objects(k) for k in ("landmark", "landmark_zh", "landmark_kind")}
    out = []
    for i in np.flatnonzero(nodes.where("landmark")[0][kept] & (new_index >= 0)).tolist():
        row = int(kept[i])
        d = {k: col[row] for k, col in columns.items() if col[row] is not None}
        en, zh = names(d, "landmark")
        out.append(Landmark(int(new_index[i]), en, str(d.get("landmark_kind", "")), zh))
    return out
