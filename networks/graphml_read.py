"""Streaming GraphML reading: a file's nodes, edges and attributes as columns.

Notes
-----
:func:`parse_graphml` reads a GraphML file element by element
(:func:`xml.etree.ElementTree.iterparse`, each node and edge dropped once
read) and keeps only what :mod:`networks.graphml_tables` compiles: node and
edge ids, and the attributes yingji reads
(:data:`~networks.graphml_columns.NODE_ATTRS`,
:data:`~networks.graphml_columns.EDGE_ATTRS`), numbers as float64 arrays. It
reads what :func:`networkx.read_graphml` reads the way networkx does (typed
keys converted as networkx converts them, an empty value as ``""``, a node
first named by an edge placed after the declared ones), without a document
tree or a networkx graph: memory grows with the kept attributes, not with the
file. Nested graphs and hyperedges are refused.

Elements are grouped by the keys of their ``<data>`` (in a file that yingji or
osmnx wrote, a handful of shapes), and each group's values are handed to the
columns in batches: per element, Python only lists its keys and texts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from array import array
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import Any

import numpy as np

from networks.errors import NetworkError
from networks.graphml_columns import EDGE_ATTRS, NODE_ATTRS, Column, GraphMLTables
from networks.i18n import _

#: GraphML's XML namespace (networkx also reads a file without one).
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
#: Elements of one kind read between two hand-overs to the columns.
_BATCH = 1 << 15
_BOOLS = {"true": True, "false": False, "0": False, "1": True}
# an element's key and text, fetched in C for each child
_KEY, _TEXT = methodcaller("get", "key"), attrgetter("text")


def _bool(text: str) -> bool:
    """A GraphML ``boolean`` as networkx reads it (case ignored; ``0`` and ``1`` too)."""
    try:
        return _BOOLS[text.lower()]
    except KeyError:
        raise ValueError(_("{value!r} is not a boolean").format(value=text)) from None


#: Python type of each GraphML ``attr.type`` (``None``: text), as networkx converts them.
_TYPES: dict[str, Any] = {
    "string": None,
    "yfiles": None,
    "integer": int,
    "int": int,
    "long": int,
    "float": float,
    "double": float,
    "boolean": _bool,
}


def _key_type(elem: ET.Element) -> tuple[str, Any]:
    """Name and Python type of a ``<key>``, as networkx reads it."""
    name, kind = elem.get("attr.name"), elem.get("attr.type") or "string"
    if elem.get("yfiles.type") is not None:
        name, kind = elem.get("yfiles.type"), "yfiles"
    if name is None:
        raise ValueError(_("key {key} has no attr.name").format(key=elem.get("id")))
    if kind not in _TYPES:
        raise ValueError(
            _("key {key}: unknown attr.type {kind!r}").format(key=elem.get("id"), kind=kind)
        )
    return name, _TYPES[kind]


class _Shape:
    """Elements whose children are ``<data>`` of the same keys, in the same order."""

    __slots__ = ("slots", "seqs", "texts")

    def __init__(self, slots: list[Any] | None) -> None:
        self.slots = slots  # per child: (column or None, type), None if unread; None: mixed
        self.seqs = array("q")  # the elements, numbered in the file's order
        self.texts: list[tuple[str | None, ...]] = []


class _Scope:
    """The nodes or the edges: their data, grouped by shape and handed to the columns in batches."""

    def __init__(self, columns: dict[str, Column], keys: dict[str, Any], data_tag: str) -> None:
        self.columns, self.keys, self.data_tag = columns, keys, data_tag
        self.shapes: dict[tuple[str | None, ...], _Shape] = {}
        self.rows = array("q")  # each element's row (a node's index, an edge's number)

    def add(self, elem: ET.Element, row: int) -> None:
        """Take the ``<data>`` of a node or edge element that has ended."""
        kids: Any = elem
        keys = tuple(map(_KEY, kids))
        shape = self.shapes.get(keys)
        if shape is None:
            shape = self.shapes[keys] = self._shape(kids, keys)
        if shape.slots is None:  # children other than <data>: those only, as networkx
            kids = [d for d in elem if d.tag == self.data_tag]
            keys = tuple(map(_KEY, kids))
            shape = self.shapes.get(keys) or self.shapes.setdefault(keys, self._shape(kids, keys))
        shape.seqs.append(len(self.rows))
        shape.texts.append(tuple(map(_TEXT, kids)))
        self.rows.append(row)
        if not len(self.rows) % _BATCH:
            self.drain()

    def _shape(self, kids: Any, keys: tuple[str | None, ...]) -> _Shape:
        if any(d.tag != self.data_tag for d in kids):
            return _Shape(None)
        slots = []
        for key in keys:
            if key not in self.keys:
                raise ValueError(_("no key {key} declared").format(key=key))
            name, conv = self.keys[key]
            col = self.columns.get(name)
            if col is not None:
                col.all_text &= conv in (None, float)
            # a typed key is converted even if unread: networkx refuses a bad value
            slots.append(None if col is None and conv is None else (col, conv))
        return _Shape(slots)

    def drain(self) -> None:
        """Hand the values read since the last call to the columns."""
        for shape in self.shapes.values():
            if shape.slots is None or not shape.texts:
                continue
            last: dict[Column, Any] = {}  # a later <data> of the same name wins, as networkx
            by_child = zip(*shape.texts, strict=True)  # one tuple of texts per child
            for slot, values in zip(shape.slots, by_child, strict=True):
                if slot is None:
                    continue
                col, conv = slot
                if conv is not None:  # an empty <data> is "" whatever its type, as networkx
                    values = ["" if t is None else conv(t) for t in values]
                elif None in values:
                    values = ["" if t is None else t for t in values]
                if col is not None:
                    last[col] = values
            seqs = np.frombuffer(shape.seqs, dtype=np.int64)
            for col, values in last.items():
                col.add(seqs, values)
            shape.seqs, shape.texts = array("q"), []


def parse_graphml(path: Path) -> GraphMLTables:
    """Read the first graph of a GraphML file as columns, streaming.

    Parameters
    ----------
    path
        The ``.graphml`` file.

    Returns
    -------
    GraphMLTables

    Raises
    ------
    networks.errors.NetworkError
        Not well-formed XML, no graph, a value that its key's type refuses, an
        undeclared key, a nested graph, a hyperedge, or an edge whose
        ``directed`` contradicts the graph's, naming the file.
    """
    try:
        with open(path, "rb") as fh:
            return _parse(fh)
    except (ET.ParseError, OSError, ValueError, KeyError) as exc:
        raise NetworkError(
            _("{path}: not a readable GraphML road network ({error})").format(path=path, error=exc)
        ) from exc


def _parse(fh: Any) -> GraphMLTables:
    """:func:`parse_graphml` of an open file; errors as ``ValueError`` or ``KeyError``."""
    keys: dict[str, tuple[str, Any]] = {}
    node_cols = {k: Column(c) for k, c in NODE_ATTRS.items()}
    edge_cols = {k: Column(c) for k, c in EDGE_ATTRS.items()}
    index: dict[str, int] = {}
    declared = bytearray()  # per node as first named: declared by a <node> yet
    decl_order = array("q")
    src, dst = array("q"), array("q")
    edge_ids: list[str | None] = []
    graph_el: ET.Element | None = None
    graph_data: dict[str, Any] = {}
    directed = True

    def node_of(name: str) -> int:
        i = index.get(name)
        if i is None:
            i = index[name] = len(index)
            declared.append(0)
        return i

    events = iter(ET.iterparse(fh, events=("start", "end")))
    _event, root = next(events)
    # GraphML's namespace, or none (networkx reads a bare <graphml> too)
    ns = "" if root.tag == "graphml" else f"{{{GRAPHML_NS}}}"
    if root.tag != f"{ns}graphml":
        raise ValueError(_("no graph element"))
    data_tag, node_tag, edge_tag, graph_tag, key_tag, hyper_tag = (
        ns + t for t in ("data", "node", "edge", "graph", "key", "hyperedge")
    )
    nodes, edges = _Scope(node_cols, keys, data_tag), _Scope(edge_cols, keys, data_tag)
    for event, el in events:
        if event == "start":
            if el.tag == graph_tag:
                if graph_el is not None:
                    raise ValueError(_("nested graphs are not supported"))
                graph_el = el
                directed = el.get("edgedefault") == "directed"  # networkx: undirected if absent
            continue
        tag = el.tag
        if tag == data_tag:
            continue
        if graph_el is None:
            if tag == key_tag:
                keys[str(el.get("id"))] = _key_type(el)
            continue
        if tag == edge_tag:
            way = el.get("directed")
            if way == ("false" if directed else "true"):
                raise ValueError(
                    _("edge directed={value} contradicts the graph's edgedefault").format(value=way)
                )
            row = len(src)
            src.append(node_of(el.get("source", "None")))  # a missing end is "None", as networkx
            dst.append(node_of(el.get("target", "None")))
            edge_ids.append(el.get("id"))
            edges.add(el, row)
            graph_el.remove(el)
        elif tag == node_tag:
            row = node_of(el.get("id", "None"))
            if not declared[row]:
                declared[row] = 1
                decl_order.append(row)
            nodes.add(el, row)
            graph_el.remove(el)
        elif tag == hyper_tag:
            raise ValueError(_("hyperedges are not supported"))
        elif tag == graph_tag:
            for d in el:
                if d.tag == data_tag:
                    key = str(d.get("key"))
                    if key not in keys:
                        raise ValueError(_("no key {key} declared").format(key=key))
                    name, conv = keys[key]
                    text = d.text
                    graph_data[name] = "" if text is None else text if conv is None else conv(text)
            break
    if graph_el is None:
        raise ValueError(_("no graph element"))
    for _event, _el in events:  # the rest is not read, but must be well-formed XML
        _el.clear()
    nodes.drain()
    edges.drain()
    # networkx's order: declared nodes as declared, then those only edges name, as first named
    rest = np.flatnonzero(np.frombuffer(bytes(declared), dtype=np.uint8) == 0)
    order = np.concatenate([np.frombuffer(decl_order, dtype=np.int64), rest]).astype(np.int64)
    node_row = np.empty(len(index), dtype=np.int64)
    node_row[order] = np.arange(len(index))
    names = list(index)
    return GraphMLTables(
        directed=directed,
        graph=graph_data,
        node_ids=[names[i] for i in order.tolist()],
        nodes=node_cols,
        source=node_row[np.frombuffer(src, dtype=np.int64)],
        target=node_row[np.frombuffer(dst, dtype=np.int64)],
        keys=edge_ids,
        edges=edge_cols,
        node_of_element=node_row[np.frombuffer(nodes.rows, dtype=np.int64)],
    )
