"""The credit a map owes its road data: OpenStreetMap's, under the ODbL.

The ODbL (section 4.3) asks every picture made from OpenStreetMap data to say
where the data came from. A network records its data's attribution
(:attr:`networks.cleaning.CleaningReport.attribution`, kept by every state of
it) when it is read from an OpenStreetMap file, downloaded through osmnx, or
read from a graph that osmnx made or whose ``attribution`` attribute yingji
wrote (:func:`graph_attribution`). The interactive map (``map.html``) credits
it in its corner; the PNG maps drawn by :func:`networks.plot.plot_network`
credit it with :func:`draw_credit`. Synthetic networks owe no one, and their
maps are drawn exactly as before.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from networks.filetypes import XML_SUFFIXES, file_suffix
from networks.i18n import N_, _

#: The credit OpenStreetMap asks for, in the web map's words ("© OpenStreetMap 贡献者" in Chinese).
OSM_CREDIT = N_("© OpenStreetMap contributors")
#: The ``gid`` of the drawn credit, so tests and later code can find it among a map's artists.
CREDIT_GID = "map-credit"
#: The graph attribute (GraphML, networkx) holding a network's data attribution.
ATTRIBUTION_KEY = "attribution"


def is_osm_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an OpenStreetMap file (XML, compressed or not, or PBF).

    Parameters
    ----------
    path
        A road network file; ``""`` (no file) is not one.

    Returns
    -------
    bool
        True for ``.osm``, ``.xml`` (also ``.bz2``/``.gz``) and ``.osm.pbf``.
    """
    return bool(str(path)) and file_suffix(Path(path)) in (".osm.pbf", *XML_SUFFIXES)


def graph_attribution(attrs: Mapping[str, Any]) -> str:
    """The data attribution a road graph's attributes record (``""`` if none).

    Parameters
    ----------
    attrs
        Graph-level attributes of a networkx graph or a GraphML file.

    Returns
    -------
    str
        The ``attribution`` attribute (as yingji writes it) if given; else
        :data:`OSM_CREDIT` if osmnx made the graph (its ``created_with``,
        ``OSMnx 2.1.1``: osmnx builds graphs from OpenStreetMap data) or its
        ``source`` is an OpenStreetMap file; else ``""``.
    """
    given = str(attrs.get(ATTRIBUTION_KEY) or "").strip()
    if given:
        return given
    made_with = f"{attrs.get('created_with', '')} {attrs.get('created_by', '')}"
    if "osmnx" in made_with.lower():
        return OSM_CREDIT
    source = attrs.get("source")
    return OSM_CREDIT if isinstance(source, str) and is_osm_file(source) else ""


def network_attribution(network: Any) -> str:
    """The attribution a network's data asks for, as recorded (English; ``""`` if none).

    Parameters
    ----------
    network
        A :class:`~networks.roadnet.RoadNetwork` (any state of it).

    Returns
    -------
    str
        Its recorded attribution; for a network without one whose recorded
        source is an OpenStreetMap file (made before attributions were kept),
        :data:`OSM_CREDIT`; else ``""``.
    """
    report = network.cleaning
    return report.attribution or (OSM_CREDIT if is_osm_file(report.source) else "")


def network_credit(network: Any) -> str | None:
    """The credit a map of ``network`` must carry, in the language in use.

    Parameters
    ----------
    network
        A :class:`~networks.roadnet.RoadNetwork` (any state of it).

    Returns
    -------
    str or None
        Its data attribution (:func:`network_attribution`), the OpenStreetMap
        credit in the words of the language in use; ``None`` if it has none.
    """
    text = network_attribution(network)
    # The catalogue translates OpenStreetMap's credit; any other attribution is shown as given.
    return _(text) if text else None


def draw_credit(ax: Any, text: str) -> Any:
    """Write a data credit small in the lower right corner of a map, over everything.

    Parameters
    ----------
    ax
        The map's axes.
    text
        The credit, as shown.

    Returns
    -------
    matplotlib.text.Annotation
        The text drawn (``gid`` :data:`CREDIT_GID`).
    """
    return ax.annotate(
        text,
        xy=(1.0, 0.0),
        xycoords="axes fraction",
        xytext=(-3.0, 3.0),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=6,
        color="0.3",
        # Roads and incidents run under the corner: a pale box keeps the words readable.
        bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.7},
        zorder=9,
        gid=CREDIT_GID,
    )
