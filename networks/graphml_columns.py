"""Columns of a streamed GraphML file, and how networkx keys and orders its edges.

Notes
-----
Holds the attributes yingji reads (:data:`NODE_ATTRS`, :data:`EDGE_ATTRS`),
:class:`Column` (one attribute's rows and values), :class:`GraphMLTables`
(what :func:`networks.graphml_read.parse_graphml` read), and what
:func:`networkx.read_graphml` does to a file's edges: :func:`merged_edges`
(a repeated key updates the first edge) and :func:`directed_edges` (its
edge order, an undirected graph's edges both ways). :func:`typed_number` and
:func:`untext` turn text into numbers and tag lists as the networkx path did.
"""

from __future__ import annotations

import ast
from array import array
from dataclasses import dataclass
from typing import Any

import numpy as np

from networks.errors import NetworkError
from networks.i18n import _

#: Node attributes yingji reads: ``"float"`` numbers, ``"text"`` others.
NODE_ATTRS = {
    "x": "float",
    "y": "float",
    "lon": "float",
    "lat": "float",
    "landmark": "text",
    "landmark_kind": "text",
    "landmark_zh": "text",
}
#: Edge attributes yingji reads (``"raw"``: text that is rarely repeated, kept as read).
EDGE_ATTRS = {
    "length": "float",
    "speed_kph": "float",
    "travel_time": "float",
    "maxspeed": "text",
    "highway": "text",
    "area": "text",
    "access": "text",
    "service": "text",
    "closed": "text",
    "name": "text",
    "name:en": "text",
    "name:zh-Latn-pinyin": "text",
    "name:zh_pinyin": "text",
    "name_zh": "text",
    "name:zh": "text",
    "name:zh-Hans": "text",
    "name:zh-CN": "text",
    "yingji_names": "text",
    "key": "text",
    "edge_id": "raw",
    "geometry": "raw",
}

#: Numeric attributes of GraphML nodes and edges (osmnx writes every value as text).
NODE_FLOATS = ("x", "y", "lon", "lat")
EDGE_FLOATS = ("length", "speed_kph", "travel_time")


def typed_number(value: Any, name: str, what: str) -> Any:
    """A GraphML value as a number where the attribute is numeric (text in osmnx files).

    Parameters
    ----------
    value
        The value as read: text is made a float, anything else is returned as is.
    name, what
        The attribute and the node or edge (``"edge 1->2"``), named in the error.

    Raises
    ------
    networks.errors.NetworkError
        Text that is not a number.
    """
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise NetworkError(
                _("{what}: {name} {value!r} is not a number").format(
                    what=what, name=name, value=value
                )
            ) from None
    return value


def untext(value: Any) -> Any:
    """A tag list that osmnx wrote as text (``"['a', 'b']"``), back as a list.

    Parameters
    ----------
    value
        A value as read; anything but text of a Python list is returned as is.
    """
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return value
        return parsed if isinstance(parsed, list) else value
    return value


class Column:
    """One attribute of the nodes or edges: the elements that have it, and its values.

    Values arrive in batches as read (text, or the value of a typed key) and
    are kept converted: numbers as a float64 array (text that is not a number
    becomes ``nan`` and is kept in :attr:`failed`), repeated text shared.
    :attr:`rows` numbers each value's node or edge element in the file's order.
    """

    __slots__ = ("kind", "rows", "values", "failed", "typed", "cache", "all_text")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.rows = array("q")
        self.values: Any = array("d") if kind == "float" else []
        self.failed: dict[int, str] = {}  # position -> text that is not a number
        self.typed: dict[int, Any] = {}  # position -> an int or bool of a typed key, as read
        self.cache: dict[str, str] = {}
        self.all_text = True  # no key of a type other than string or float fills it

    def add(self, rows: np.ndarray, values: list[Any]) -> None:
        """Append the values of the elements ``rows``, converting them."""
        base = len(self.values)
        self.rows.frombytes(np.ascontiguousarray(rows, dtype=np.int64).tobytes())
        if self.kind == "float":
            try:
                nums = list(map(float, values))
            except ValueError:
                nums = [self._number(base + j, v) for j, v in enumerate(values)]
            if not self.all_text:
                self.typed.update(
                    (base + j, v) for j, v in enumerate(values) if type(v) not in (str, float)
                )
            self.values.extend(nums)
        elif self.kind == "text" and self.all_text:
            self.values.extend(map(self.cache.setdefault, values, values))
        elif self.kind == "text":  # share text only: 1 and True are equal keys
            share = self.cache.setdefault
            self.values.extend([share(v, v) if type(v) is str else v for v in values])
        else:
            self.values.extend(values)

    def _number(self, pos: int, value: Any) -> float:
        try:
            return float(value)
        except ValueError:
            self.failed[pos] = value
            return float("nan")

    def original(self, pos: int) -> Any:
        """The value at ``pos`` as the old reader held it: the float, or an int or bool as typed."""
        return self.typed.get(pos, self.values[pos])

    def winners(self, target: np.ndarray | None, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Which of ``size`` rows have a value, and where each takes it from.

        ``target`` maps elements to the rows wanted (``None``: the same). A row
        that two elements give a value (a node declared twice, edges networkx
        merges) takes the later one's, as networkx does. Returns
        ``(present, position)``: a mask of rows, and per row the position in
        :attr:`values` (``-1`` where absent).
        """
        rows = np.frombuffer(self.rows, dtype=np.int64) if len(self.rows) else np.zeros(0, int)
        to = rows if target is None else target[rows]
        pos = np.full(size, -1, dtype=np.int64)
        if to.size and np.bincount(to, minlength=size).max() == 1:
            pos[to] = np.arange(to.size)
        elif to.size:  # by row, then in the file's order: the last of each row wins
            order = np.lexsort((rows, to))
            last = np.append(to[order][1:] != to[order][:-1], True)
            pos[to[order][last]] = order[last]
        return pos >= 0, pos


@dataclass
class GraphMLTables:
    """A GraphML file as read: ids, the edges' ends and attributes as :class:`Column`.

    Nodes are in networkx's order (declared nodes first, then those only an
    edge names), edges in the file's. ``node_of_element`` gives the node of
    each ``<node>`` element (the rows of the node columns); ``keys`` holds each
    edge's ``id`` (``None`` where it has none).
    """

    directed: bool
    graph: dict[str, Any]
    node_ids: list[str]
    nodes: dict[str, Column]
    source: np.ndarray
    target: np.ndarray
    keys: list[Any]
    edges: dict[str, Column]
    node_of_element: np.ndarray


def merged_edges(t: GraphMLTables) -> np.ndarray:
    """For each edge as read, the edge it is merged into (itself if none), as networkx keys them.

    networkx keys an edge by its ``id`` (an int where it is one), else by its
    ``key`` attribute, else by the first free number of its node pair; a second
    edge of the same pair and key updates the first. Files where each pair's
    ids count 0, 1, ... (or are absent) merge nothing and skip the dictionary.

    Parameters
    ----------
    t
        The file as read.

    Returns
    -------
    numpy.ndarray
        Per edge as read, the row of the edge that holds its values.
    """
    m, n = len(t.keys), len(t.node_ids)
    a, b = t.source, t.target
    if not t.directed:  # one key space per node pair, either way round
        a, b = np.minimum(a, b), np.maximum(a, b)
    pair = a * max(n, 1) + b
    by_pair = np.argsort(pair, kind="stable")
    sorted_pair = pair[by_pair]
    starts = np.searchsorted(sorted_pair, sorted_pair)
    rank = np.empty(m, dtype=np.int64)
    rank[by_pair] = np.arange(m) - starts
    keyed = t.edges["key"].rows
    has_id = np.fromiter(map(bool, t.keys), dtype=bool, count=m)
    try:
        ids = map(int, t.keys) if all(t.keys) else (int(k) if k else 0 for k in t.keys)
        given = np.fromiter(ids, dtype=np.int64, count=m)
        plain = not len(keyed) and bool(np.all(~has_id | (given == rank)))
    except (ValueError, OverflowError):  # an id that is no int (or a huge one): key as networkx
        plain = False
    if plain:
        return np.arange(m)
    _has, pos = t.edges["key"].winners(None, m)
    data_key = [t.edges["key"].values[p] if p >= 0 else None for p in pos.tolist()]
    rep = np.arange(m)
    seen: dict[int, dict[Any, int]] = {}
    for i, (p, k) in enumerate(zip(pair.tolist(), t.keys, strict=True)):
        key: Any = data_key[i]
        if k:
            try:
                key = int(k)
            except ValueError:
                key = k
        kd = seen.setdefault(p, {})
        if key is None:
            key = len(kd)
            while key in kd:
                key += 1
        if key in kd:
            rep[i] = kd[key]
        else:
            kd[key] = i
    return rep


def directed_edges(t: GraphMLTables, rep: np.ndarray) -> tuple[np.ndarray, ...]:
    """Tail, head and row as read of every directed edge, in networkx's order.

    That is by tail node, then by head in order of the pair's first edge, then
    as read; an undirected graph's edge runs both ways (a loop once), as
    ``to_directed`` makes it.

    Parameters
    ----------
    t
        The file as read.
    rep
        :func:`merged_edges` of ``t``: only edges that are their own are listed.

    Returns
    -------
    tuple of numpy.ndarray
        Tail and head node rows, and each edge's row as read.
    """
    n = len(t.node_ids)
    docs = np.flatnonzero(rep == np.arange(rep.size))
    a, b = t.source[docs], t.target[docs]
    if t.directed:
        pair = a * max(n, 1) + b
        iu, iv, idoc = a, b, docs
    else:
        pair = np.minimum(a, b) * max(n, 1) + np.maximum(a, b)
        back = a != b
        iu, iv = np.concatenate([a, b[back]]), np.concatenate([b, a[back]])
        idoc = np.concatenate([docs, docs[back]])
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if not t.directed:
        inverse = np.concatenate([inverse, inverse[back]])
    order = np.lexsort((idoc, docs[first][inverse], iu))
    return iu[order], iv[order], idoc[order]
