"""The example configs and data that ship with yingji, and copying them out.

The repository's ``examples/`` folder installs as the package
``yingji_examples`` (see ``[tool.setuptools]`` in ``pyproject.toml``), so a
wheel carries every example: run, experiment, siting and drill configs,
scenario files, facility tables, and the central-Shanghai OSM extract with its
ODbL notice. :func:`copy_examples` writes them into a folder, where each config
finds its files as it does in the repository (paths in a config are relative
to the config file).
"""

from __future__ import annotations

import fnmatch
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from networks.errors import ConfigError, YingjiError
from networks.i18n import _

#: The installed package holding the examples.
PACKAGE = "yingji_examples"
#: The package's own marker, at the top only (an example's ``policies/__init__.py`` is copied).
MARKER = "__init__.py"
#: Python's caches, at any depth.
CACHES = ("__pycache__", "*.pyc")


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    """``(relative posix path, file)`` of every example file under ``folder``, sorted."""
    found: list[tuple[str, Traversable]] = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        cache = any(fnmatch.fnmatch(item.name, pattern) for pattern in CACHES)
        if cache or (not prefix and item.name == MARKER):
            continue
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            found += _walk(item, rel + "/")
        elif item.is_file():
            found.append((rel, item))
    return found


def _root() -> Traversable:
    try:
        return resources.files(PACKAGE)
    except ModuleNotFoundError:
        # An install made before the examples shipped (an old editable install, say).
        raise YingjiError(
            _(
                "the example files are not installed ({package} is missing); "
                "reinstall yingji: pip install ."
            ).format(package=PACKAGE)
        ) from None


def _refuse_an_earlier_copy(target: Path, option: str) -> None:
    """Refuse, in its own words, a folder that holds an earlier copy of the examples.

    :func:`experiments.outdir.staged_folder` would call it "an earlier run", which a new
    user copying the examples a second time does not recognise.
    """
    from experiments.outdir import read_marker

    marker = read_marker(target)  # none, or not one yingji wrote: staged_folder says
    if marker is not None and marker[1] == "examples":
        raise ConfigError(
            _(
                "holds an earlier copy of the examples; add --overwrite to replace it whole "
                "(files you edited there are replaced too), or use another {option} folder"
            ).format(option=option),
            source=str(target),
            key=option,
        )


def example_files() -> list[str]:
    """The shipped example files, as paths relative to the examples folder.

    Returns
    -------
    list of str
        POSIX paths such as ``"county.toml"`` or ``"data/shanghai_center.osm.bz2"``, sorted.
    """
    return [rel for rel, _item in _walk(_root())]


def copy_examples(
    dest: str | os.PathLike[str], *, overwrite: bool = False, option: str = "DIR"
) -> list[Path]:
    """Copy every shipped example file into the folder ``dest``, as one unit.

    The folder is written like a run's output folder
    (:func:`experiments.outdir.staged_folder`): a new or empty folder is filled;
    a folder an earlier copy wrote is replaced whole only with ``overwrite``; a
    folder holding anything else is never touched.

    Parameters
    ----------
    dest
        The folder to write.
    overwrite
        Whether an earlier copy of the examples at ``dest`` may be replaced.
    option
        The command-line name of ``dest``, for error messages.

    Returns
    -------
    list of pathlib.Path
        The files written, under ``dest``, in the order of :func:`example_files`.

    Raises
    ------
    ConfigError
        If ``dest`` is a file, cannot be written, or is a non-empty folder that
        may not be replaced (an earlier copy of the examples, without ``overwrite``).
    YingjiError
        If the examples are not installed.
    """
    from experiments.outdir import staged_folder

    files = _walk(_root())
    target = Path(dest)
    if not overwrite:
        _refuse_an_earlier_copy(target, option)
    with staged_folder(target, command="examples", option=option, overwrite=overwrite) as stage:
        for rel, item in files:
            out = stage / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(item.read_bytes())
    return [target / rel for rel, _item in files]
