"""Writing files so that a crash never leaves half of one: the one atomic-write helper.

Every file yingji writes goes through :func:`atomic_path` (or the two
shortcuts on top of it): the content is written to a hidden temporary name in
the target's own folder, flushed to disk (``fsync``), renamed over the target
and the folder entry flushed too. A reader (or a run killed at any instant)
sees the old file or the new one, never a mix. It lives in the lowest layer so
that networks, scenarios and experiments share it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

#: Prefix of every temporary name (hidden, so folder listings ignore it).
TMP_PREFIX = ".yj-tmp-"


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (a rename is durable only once its folder is)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - platforms that cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems without directory fsync
        pass
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """A unique hidden temporary name beside ``path`` (same folder, same file system)."""
    return path.with_name(f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{path.name}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path`` in one rename.

    The temporary file keeps ``path``'s suffix, so writers that pick a format
    by suffix (matplotlib, osmnx) behave the same. On an exception the
    temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path
        The file to (re)write. Its folder is created if missing.

    Yields
    ------
    pathlib.Path
        Where to write the new content.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(target)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`); return the path."""
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; return the path."""
    return atomic_write_bytes(path, text.encode("utf-8"))


#: How yingji writes every CSV: UTF-8 with a byte-order mark. Excel on a Chinese
#: Windows reads a CSV without one as GBK and garbles every Chinese cell; with it,
#: Excel and WPS open the file as UTF-8, and pandas, readr, polars and Python's csv
#: (``encoding="utf-8-sig"``) read it as before. Read CSVs with this encoding too:
#: it also reads files without the mark.
CSV_ENCODING = "utf-8-sig"


def csv_bytes(text: str) -> bytes:
    """The bytes of a CSV file holding ``text`` (UTF-8 with a byte-order mark, once)."""
    return text.removeprefix("\ufeff").encode(CSV_ENCODING)


def atomic_write_csv(path: str | os.PathLike[str], text: str) -> Path:
    """Write CSV ``text`` to ``path`` atomically as :data:`CSV_ENCODING`; return the path."""
    return atomic_write_bytes(path, csv_bytes(text))
