"""OpenStreetMap places as landmarks: reading ``place=*`` nodes and snapping them to roads.

Notes
-----
Holds :data:`PLACE_KINDS`, :data:`PLACE_SNAP_M`, :func:`places_from_xml`
(the named place nodes of an OSM XML file) and :func:`with_places` (a network
with them as landmarks, named in English and Chinese).
"""

from __future__ import annotations

import bz2
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from networks.convert import names
from networks.roadnet import Landmark, RoadNetwork

#: OpenStreetMap ``place=*`` values read as landmarks, and the landmark kind of each
#: (a town is a township-level seat; a Chinese 街道 is usually tagged town too).
PLACE_KINDS = {
    "city": "city", "town": "township", "village": "village", "suburb": "suburb",
    "quarter": "quarter", "neighbourhood": "neighbourhood", "hamlet": "hamlet",
}  # fmt: skip
#: A place node farther than this from every road node is not a landmark of the network.
PLACE_SNAP_M = 1500.0


def places_from_xml(path: Path) -> list[dict[str, Any]]:
    """Tags, ``lon`` and ``lat`` of the named ``place=*`` nodes of an OSM XML file."""
    opener = bz2.open if path.suffix.lower() == ".bz2" else open
    out = []
    with opener(path, "rb") as fh:
        for _event, el in ET.iterparse(fh):
            if el.tag == "node":
                tags = {t.get("k"): t.get("v") for t in el.iter("tag")}
                if tags.get("place") in PLACE_KINDS and (tags.get("name") or tags.get("name:zh")):
                    lon, lat = float(el.get("lon", "nan")), float(el.get("lat", "nan"))
                    out.append({**tags, "lon": lon, "lat": lat})
                el.clear()
            elif el.tag in ("way", "relation"):
                el.clear()
    return out


def with_places(network: RoadNetwork, places: list[dict[str, Any]]) -> RoadNetwork:
    """``network`` with OpenStreetMap places as landmarks, each at its nearest road node.

    Places farther than :data:`PLACE_SNAP_M` from every node are left out; one
    landmark per node (cities first, then townships, villages, the rest).
    Names follow :func:`networks.convert.names`: ``name:en``/``name`` for
    English output, ``name:zh``/a Chinese ``name`` for Chinese.
    """
    import math

    ranked = sorted(
        (p for p in places if math.isfinite(p["lon"]) and math.isfinite(p["lat"])),
        key=lambda p: (list(PLACE_KINDS).index(p["place"]), str(p.get("name", ""))),
    )
    if not ranked:
        return network
    nodes, dist = network.snap([p["lon"] for p in ranked], [p["lat"] for p in ranked], lonlat=True)
    marks = list(network.landmarks)
    taken = {m.node for m in marks}
    for p, node, d in zip(ranked, nodes, dist, strict=True):
        if d > PLACE_SNAP_M or int(node) in taken:
            continue
        en, zh = names(p)
        marks.append(Landmark(int(node), en or zh, PLACE_KINDS[p["place"]], zh))
        taken.add(int(node))
    if len(marks) == len(network.landmarks):
        return network
    return RoadNetwork(
        network.nodes,
        network.edges,
        crs=network.crs,
        landmarks=marks,
        name=network.name,
        cleaning=network.cleaning,
    )
