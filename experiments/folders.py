"""Guards of an output folder: checked before work, locked while written, swept on resume.

:func:`check_output_folder` refuses a folder yingji cannot or must not write,
:func:`folder_lock` refuses a second run into a folder being written, and
:func:`sweep_temp_files` removes the temporary files a killed run left behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from experiments.outdir import check_parent_writable, pid_alive
from networks.errors import ConfigError
from networks.files import TMP_PREFIX
from networks.i18n import N_, _


def check_output_folder(root: Path, *, option: str = "--out") -> None:
    """Check an output folder before any work: it must be a folder yingji can write.

    Refuses a file in the folder's place, a path under a file, a folder that
    cannot be written, and a folder that holds files but no experiment
    manifest (a user's own folder).

    Parameters
    ----------
    root
        The output folder (it need not exist yet).
    option
        The command-line option that named it, for the error message.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ConfigError(_("is a file, not a folder"), source=str(root), key=option)
    check_parent_writable(root, option, inside=True)
    if not root.is_dir() or (root / "manifest.json").exists():
        return
    if any(not p.name.startswith(".") for p in root.iterdir()):
        raise ConfigError(
            _(
                "exists, is not empty and has no manifest.json: not an experiment folder; "
                "use a new --out folder"
            ),
            source=str(root),
            key=option,
        )


#: The error of a second run into a folder being written.
_BUSY = N_("another run is writing to this folder; wait for it or use another --out")


@contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on an output folder (creating it), refusing a second run.

    The lock is taken on the folder itself, so nothing is added to a folder a
    refused command leaves alone (a ``.lock`` file is used only where folders
    cannot be locked). The operating system drops the lock when the process
    dies, even by SIGKILL.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, run anyway
        yield
        return
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(_(_BUSY), source=str(root)) from None
        except OSError:  # pragma: no cover - a file system that cannot lock folders
            os.close(fd)
            fd = -1
            fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ConfigError(_(_BUSY), source=str(root)) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        if fd >= 0:
            os.close(fd)


def sweep_temp_files(root: Path) -> list[Path]:
    """Remove temporary files under ``root`` whose writer process is no longer alive.

    :func:`networks.files.atomic_path` names them ``.yj-tmp-<pid>-<hex>-<name>``; a
    run killed (``SIGKILL``) between writing one and renaming it leaves it behind,
    so a resumed folder would differ from an uninterrupted one. Files of a live
    process (a report being written into the folder) are left alone.

    Returns
    -------
    list of pathlib.Path
        The files removed.
    """
    removed = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if not name.startswith(TMP_PREFIX):
                continue
            pid = name[len(TMP_PREFIX) :].split("-", 1)[0]
            if pid.isascii() and pid.isdigit() and not pid_alive(int(pid)):
                path = Path(folder) / name
                try:
                    path.unlink()
                except FileNotFoundError:  # pragma: no cover - removed meanwhile
                    continue
                removed.append(path)
    return removed
