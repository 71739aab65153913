"""Where commands write: checked before any work, and one run's folder swapped in whole.

Helpers used by every command that writes:

* :func:`check_file_target` for a file a command writes or updates in place
  (``drill contribute --commitments``, ``--append-history``...): refuses a
  folder in its place, a path under a file and a folder that cannot be
  written, before any work is done.
* :func:`check_output_file` for a command's single output file (``network
  build -o``, ``scenario sample -o``, ``--plot IMAGE``...): the same, and also
  refuses a file of the wrong type, one of the command's own inputs, and an
  existing file unless the user says ``--overwrite``.
* :func:`staged_folder` for an output folder (``run``, ``demo``, ``site``):
  the run writes into a hidden staging folder beside the target, and only a
  finished run is swapped in, in one rename. A folder that already holds
  something is refused unless the user says ``--overwrite``, and then only
  if it is a yingji output folder (its :data:`MARKER` lists the files it wrote)
  and holds nothing else. A run killed
  at any instant leaves the old folder as it was; its staging folder is
  removed by the next run into the same place.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from networks.errors import ConfigError
from networks.files import atomic_write_text, fsync_dir
from networks.i18n import _, os_reason

#: Hidden file that marks a folder written by a yingji command.
MARKER = ".yingji-output"
#: Prefixes of the hidden folders a run writes beside its target (swept once dead).
STAGE_PREFIX = ".yj-stage-"
OLD_PREFIX = ".yj-old-"


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_parent_writable(path: Path, option: str, *, inside: bool = False) -> None:
    """Refuse ``path`` unless the part of its folder that exists is a writable folder.

    With ``inside``, ``path`` is a folder whose own contents will be written.
    """
    base = _nearest_existing(path if inside else path.parent)
    if not base.is_dir():
        raise ConfigError(
            _("{path} is a file, not a folder").format(path=base), source=str(path), key=option
        )
    # A real probe, not os.access: root passes permission checks but not a read-only
    # file system, and the run must fail here, before the work, not after it.
    try:
        probe = tempfile.mkdtemp(prefix=".yj-probe-", dir=base)
    except OSError as exc:
        raise ConfigError(
            _("cannot write in {path} ({error})").format(path=base, error=os_reason(exc)),
            source=str(path),
            key=option,
        ) from None
    os.rmdir(probe)


def check_file_target(path: str | os.PathLike[str], *, option: str) -> Path:
    """Check that a single output file can be written at ``path``, before any work.

    Parameters
    ----------
    path
        The file to write.
    option
        The command-line option that named it (for the error message).

    Returns
    -------
    pathlib.Path
        ``path`` as a path.

    Raises
    ------
    ConfigError
        If ``path`` is a folder, lies under a file, or its folder cannot be written.
    """
    p = Path(path)
    if p.is_dir():
        raise ConfigError(_("is a folder; expected a file name"), source=str(p), key=option)
    check_parent_writable(p, option)
    return p


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file (also by a link or another spelling)."""
    if Path(os.path.abspath(a)) == Path(os.path.abspath(b)):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: not the same file
        return False


def check_output_file(
    path: str | os.PathLike[str],
    *,
    option: str,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    suffix: str | None = None,
) -> Path:
    """Check, before any work, that a command may write its single output file at ``path``.

    Like an output folder, an output file never silently replaces what is
    there: an existing file is refused unless ``overwrite``; a file the command
    reads is refused even then (it would be gone before, or while, it is read).
    The file itself is then written atomically (:func:`networks.files.atomic_path`).

    Parameters
    ----------
    path
        The file to write (or a companion written beside it, such as
        ``NAME.disruptions.csv``: check each).
    option
        The command-line option that named it (for the error message).
    overwrite
        Whether an existing file may be replaced (the user said ``--overwrite``).
    inputs
        Files the command reads (``None`` entries are skipped).
    suffix
        The suffix the file must end in (``".csv"``), any letter case; ``None``
        when the caller checks the type itself.

    Returns
    -------
    pathlib.Path
        ``path`` as a path.

    Raises
    ------
    ConfigError
        If ``path`` is a folder, one of ``inputs``, lacks ``suffix``, exists
        and ``overwrite`` is false, lies under a file, or its folder cannot be
        written.
    """
    p = Path(path)
    if p.is_dir():
        raise ConfigError(_("is a folder; expected a file name"), source=str(p), key=option)
    for given in inputs:
        if given is not None and _same_file(p, Path(given)):
            raise ConfigError(
                _("is also an input of this command ({input}); write to another file").format(
                    input=given
                ),
                source=str(p),
                key=option,
            )
    if suffix is not None and not p.name.lower().endswith(suffix.lower()):
        raise ConfigError(
            _("expected a file name ending in {suffix}").format(suffix=suffix),
            source=str(p),
            key=option,
        )
    # lexists: a dangling link is something the user made, too.
    if os.path.lexists(p) and not overwrite:
        raise ConfigError(
            _("already exists; add --overwrite to replace it"), source=str(p), key=option
        )
    check_parent_writable(p, option)
    return p


def _is_empty_dir(p: Path) -> bool:
    return p.is_dir() and not any(p.iterdir())


def _experiment_folder(p: Path) -> bool:
    """Whether ``p`` holds a ``yingji experiment run`` folder (its manifest says so)."""
    from experiments.manifest import FORMAT

    try:
        return json.loads((p / "manifest.json").read_bytes()).get("format") == FORMAT
    except (OSError, ValueError, AttributeError):
        return False


def check_folder_target(
    path: str | os.PathLike[str],
    *,
    option: str = "--out",
    overwrite: bool = False,
    command: str | None = None,
) -> Path:
    """Check that a command may write its output folder at ``path``, before any work.

    Parameters
    ----------
    path
        The output folder.
    option
        The option that named it.
    overwrite
        Whether an earlier yingji output there may be replaced (as a whole).
    command
        The command that would write it: a folder another command wrote
        (``yingji examples``' copies, a drill's scores) is never replaced by it.
        ``None``: not checked.

    Returns
    -------
    pathlib.Path
        ``path`` as a path.

    Raises
    ------
    ConfigError
        If ``path`` is a file, lies under a file, cannot be written, holds an
        earlier output and ``overwrite`` is false, holds files yingji did not write,
        or holds another command's output.
    """
    if not str(path).strip():
        raise ConfigError(_("is empty; name a folder"), source=repr(str(path)), key=option)
    p = Path(path)
    # The folder is swapped in whole, so it cannot be the folder we stand in (or hold it).
    here, whole = Path.cwd().resolve(), p.resolve()
    if here == whole or whole in here.parents:
        raise ConfigError(
            _("is the current folder or holds it; name a new folder for the output"),
            source=str(path),
            key=option,
        )
    if p.exists() and not p.is_dir():
        raise ConfigError(_("is a file; expected a folder"), source=str(p), key=option)
    check_parent_writable(p, option)
    if p.is_dir() and not _is_empty_dir(p):
        written, made_by = read_marker(p) or (None, None)
        if written is None and command is not None and _experiment_folder(p):
            # An experiment folder has no marker (it is resumed, not swapped in): say whose.
            raise ConfigError(
                _(
                    "holds the output of 'yingji {other}', which 'yingji {command}' does not "
                    "replace; use another {option} folder"
                ).format(other="experiment run", command=command, option=option),
                source=str(p),
                key=option,
            )
        if written is None:
            raise ConfigError(
                _(
                    "is not empty and was not written by yingji; not replacing it "
                    "(use a new {option} folder)"
                ).format(option=option),
                source=str(p),
                key=option,
            )
        if command is not None and made_by is not None and _kind(made_by) != _kind(command):
            raise ConfigError(
                _(
                    "holds the output of 'yingji {other}', which 'yingji {command}' does not "
                    "replace; use another {option} folder"
                ).format(other=made_by, command=command, option=option),
                source=str(p),
                key=option,
            )
        if not overwrite:
            raise ConfigError(
                _(
                    "holds an earlier run; add --overwrite to replace it whole, or use another "
                    "{option} folder"
                ).format(option=option),
                source=str(p),
                key=option,
            )
        foreign = sorted(set(_files(p)) - written - {MARKER})
        if foreign:
            raise ConfigError(
                _(
                    "holds {file!r}, which yingji did not write; move it away before "
                    "--overwrite replaces the folder"
                ).format(file=foreign[0]),
                source=str(p),
                key=option,
            )
    return p


def _files(folder: Path) -> list[str]:
    return [str(f.relative_to(folder)) for f in folder.rglob("*") if not f.is_dir()]


#: Commands whose folders are one kind of output (the demo is a run of the built-in county).
_SAME_KIND = {"demo": "run"}


def _kind(command: str) -> str:
    return _SAME_KIND.get(command, command)


def read_marker(folder: Path) -> tuple[set[str], str | None] | None:
    """The files a yingji command wrote into ``folder`` and the command (``None``: not yingji's).

    Parameters
    ----------
    folder
        A folder that may hold a :data:`MARKER`.

    Returns
    -------
    tuple or None
        ``(files, command)``; the command is ``None`` in a marker that does not
        record one (written before commands were recorded).
    """
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        made_by = data.get("command")
        return set(data["files"]), made_by if isinstance(made_by, str) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a lock or staging name of a live run)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's live process
        return True
    return True


def sweep_stale(target: Path) -> None:
    """Remove staging folders beside ``target`` left by runs that were killed."""
    parent = target.parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        for prefix in (STAGE_PREFIX, OLD_PREFIX):
            if not entry.name.startswith(prefix) or not entry.name.endswith(f"-{target.name}"):
                continue
            pid_text = entry.name[len(prefix) :].split("-", 1)[0]
            if pid_text.isdigit() and not pid_alive(int(pid_text)):
                shutil.rmtree(entry, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(stage: Path, target: Path) -> None:
    """Put ``stage`` at ``target``, replacing whatever is there as a whole."""
    if not target.exists():
        os.replace(stage, target)
        return
    if _exchange(stage, target):
        shutil.rmtree(stage)  # now holds the old output
        return
    # No atomic exchange: move the old aside, the new in, then drop the old. A kill
    # between the two renames leaves the old folder under its hidden name.
    old = target.with_name(f"{OLD_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{target.name}")
    os.replace(target, old)
    os.replace(stage, target)
    shutil.rmtree(old, ignore_errors=True)


def through_link(path: str | os.PathLike[str], *, option: str) -> Path:
    """The folder an output path stands for: a symbolic link's target (dangling or not).

    An output is written through the link: staged beside the folder it points
    to and swapped in there, the link left as the user made it (renaming the
    link itself would move it aside and write a real folder in its place).

    Parameters
    ----------
    path
        The output path given (``--out``).
    option
        The option that named it, for the error message.

    Returns
    -------
    pathlib.Path
        ``path``, or the folder the link at ``path`` points to.

    Raises
    ------
    networks.errors.ConfigError
        A link that leads round in a loop, named with ``option``.
    """
    if not Path(path).is_symlink():
        return Path(path)
    try:
        return Path(path).resolve(strict=False)
    except (RuntimeError, OSError):  # a link round in a loop (RuntimeError on 3.11/3.12)
        raise ConfigError(
            _("is a symbolic link that leads round in a loop"), source=str(path), key=option
        ) from None


@contextlib.contextmanager
def staged_folder(
    path: str | os.PathLike[str],
    *,
    command: str,
    option: str = "--out",
    overwrite: bool = False,
) -> Iterator[Path]:
    """Write a command's output folder as one unit.

    Yields a hidden staging folder beside ``path`` (beside the folder it points to, if
    ``path`` is a symbolic link, which is kept); when the block ends without
    an exception the staging folder becomes ``path`` in one step (replacing an
    earlier output only with ``overwrite``). On an exception, or a kill, the
    staging folder is dropped and ``path`` is left exactly as it was.

    Parameters
    ----------
    path
        The output folder.
    command
        The command writing it (recorded in :data:`MARKER`).
    option
        The option that named the folder, for error messages.
    overwrite
        Whether an earlier yingji output at ``path`` may be replaced.

    Yields
    ------
    pathlib.Path
        The folder to write into.
    """
    path = through_link(path, option=option)
    target = check_folder_target(path, option=option, overwrite=overwrite, command=command)
    sweep_stale(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = target.with_name(f"{STAGE_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{target.name}")
    try:
        stage.mkdir()
    except OSError as exc:
        raise ConfigError(
            _("cannot write here ({error})").format(error=os_reason(exc)),
            source=str(target),
            key=option,
        ) from None
    try:
        yield stage
        marker = {"command": command, "files": sorted(_files(stage))}
        atomic_write_text(stage / MARKER, json.dumps(marker, indent=1) + "\n")
        fsync_dir(stage)
        # Something may have appeared at the target while we ran: check again.
        check_folder_target(target, option=option, overwrite=overwrite, command=command)
        _swap_in(stage, target)
        fsync_dir(target.parent)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
