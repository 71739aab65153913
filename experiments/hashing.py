"""Identity of results: canonical JSON, run-config hashes, package version and code digest.

A design point is known by :func:`config_hash` of its run config together with
the package version; the store also records :func:`code_digest` so results made
by edited code of an editable install are told apart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Keys of a run config that label it rather than change what runs (not hashed).
_UNHASHED = frozenset({"name", "language"})


def package_version() -> str:
    """The installed version of yingji: :data:`networks.__version__` (``0+unknown`` if none)."""
    from networks import __version__

    return __version__


def code_digest() -> str:
    """sha256 of yingji's own source (``*.py``, ``*.toml``, ``*.csv`` of its four packages).

    An editable install keeps its version number while the code changes; the
    digest tells the store that results were made by different code.
    """
    import importlib

    h = hashlib.sha256()
    for name in ("networks", "scenarios", "sim", "experiments"):
        root = Path(importlib.import_module(name).__file__ or "").parent
        files = sorted(
            f for f in root.rglob("*") if f.suffix in (".py", ".toml", ".csv") and f.is_file()
        )
        for f in files:
            h.update(f"{name}/{f.relative_to(root).as_posix()}\0".encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no whitespace: equal data, equal text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def config_hash(config: Mapping[str, Any], *, version: str | None = None) -> str:
    """sha256 of a run config's canonical JSON together with the package version.

    The config's ``name`` is a label and its ``language`` changes only words, not
    what is run, so both are left out: renaming (or copying) an experiment file, or
    reading it in another language, does not change its design points.

    Parameters
    ----------
    config
        Plain config data, as :meth:`RunConfig.to_dict` gives it.
    version
        Package version; the installed one if ``None``.

    Returns
    -------
    str
        64 hex digits.
    """
    what = {k: v for k, v in config.items() if k not in _UNHASHED}
    text = canonical_json({"config": what, "version": version or package_version()})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
