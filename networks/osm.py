"""Loading real roads: OpenStreetMap XML and PBF, GraphML, and places by name.

Every loader ends in :func:`networks.convert.from_networkx`, so each gives the
same compiled :class:`~networks.roadnet.RoadNetwork` with its largest strongly
connected part and a report of what was dropped.

The readers live in :mod:`networks.osmfile` (OpenStreetMap XML and PBF),
:mod:`networks.graphml` (GraphML read and write) and :mod:`networks.places`
(place landmarks); their public names are importable from here too. This
module holds :func:`load_network` (any file, by suffix) and
:func:`download_place`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from networks.cleaning import note_source
from networks.convert import from_networkx, pair_names
from networks.credit import OSM_CREDIT
from networks.errors import NetworkError
from networks.filetypes import file_suffix
from networks.graphml import load_graphml, read_graphml, save_graphml
from networks.i18n import _
from networks.osmfile import _graph_from_osm_xml as _graph_from_osm_xml
from networks.osmfile import load_osm
from networks.places import PLACE_KINDS, PLACE_SNAP_M, with_places
from networks.roadnet import RoadNetwork

__all__ = [
    "PLACE_KINDS",
    "PLACE_SNAP_M",
    "download_place",
    "load_graphml",
    "load_network",
    "load_osm",
    "read_graphml",
    "save_graphml",
    "with_places",
]


def download_place(place: str, *, speeds: Mapping[str, float] | None = None) -> RoadNetwork:
    """Download the drivable roads of a named place through osmnx (needs internet).

    The network records OpenStreetMap's attribution, which every map of it shows.
    """
    import osmnx as ox

    try:
        graph = ox.graph_from_place(place, network_type="drive", simplify=False)
    except Exception as exc:  # osmnx raises many types for network and geocoding failures
        raise NetworkError(
            _("place {place!r}: download failed ({error})").format(place=place, error=exc)
        ) from exc
    pair_names(graph)  # before merging ways: each way's two names stay together
    net = from_networkx(ox.simplify_graph(graph), speeds=speeds, name=place)
    note_source(net.cleaning, place, is_file=False)
    net.cleaning.attribution = OSM_CREDIT  # downloaded from OpenStreetMap: the ODbL's credit
    return net


def load_network(
    path: str | os.PathLike[str], *, speeds: Mapping[str, float] | None = None
) -> RoadNetwork:
    """Load a road network from any supported file (by its suffix).

    Parameters
    ----------
    path
        ``.graphml``, ``.osm[.bz2|.gz]``, ``.xml`` or ``.osm.pbf``.
    speeds
        Speed overrides by road class, km/h.
    """
    p = Path(path)
    if file_suffix(p) == ".graphml":
        return load_graphml(p, speeds=speeds)
    return load_osm(p, speeds=speeds)
