"""Road network files: which kind a path is, and the checks every reader makes first.

Notes
-----
Holds :data:`XML_SUFFIXES`, :func:`file_suffix` (the file type of a path) and
:func:`check_readable`, shared by the OpenStreetMap and GraphML readers.
"""

from __future__ import annotations

from pathlib import Path

from networks.errors import NetworkError
from networks.i18n import _

XML_SUFFIXES = (".osm", ".xml", ".osm.bz2", ".xml.bz2", ".osm.gz", ".xml.gz")


def file_suffix(path: Path) -> str:
    """The file type of ``path``: its known multi-part suffix (``.osm.pbf``), else the last."""
    name = path.name.lower()
    for suf in (".osm.pbf", *XML_SUFFIXES, ".graphml"):
        if name.endswith(suf):
            return suf
    return path.suffix.lower()


def check_readable(path: Path) -> None:
    """Refuse a missing, folder or empty ``path`` with a :class:`~networks.errors.NetworkError`."""
    if not path.exists():
        raise NetworkError(_("{path}: no such file").format(path=path))
    if path.is_dir():
        raise NetworkError(_("{path}: is a folder, not a road network file").format(path=path))
    if path.stat().st_size == 0:
        raise NetworkError(_("{path}: the file is empty").format(path=path))
