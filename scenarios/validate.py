"""Checking raw TOML values in one place; every failure names the file and the dotted key."""

from __future__ import annotations

import logging
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _, os_reason

logger = logging.getLogger(__name__)

#: Largest root seed: seeds are stored in int64 table columns (Parquet, numpy).
MAX_SEED = 2**63 - 1
#: Most replications of one run or design point: each holds its records until the
#: run ends, and a count beyond a machine's memory must be refused, not attempted.
MAX_REPLICATIONS = 10_000


class Reader:
    """Typed access to one table of a config file.

    Parameters
    ----------
    data
        The table.
    source
        File (or other origin) it came from, for error messages.
    key
        Dotted key of the table inside the file (``""`` at the top).
    """

    def __init__(self, data: Any, *, source: str | None, key: str = "") -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(
                _("expected a table, got {type}").format(type=type(data).__name__),
                source=source,
                key=key,
            )
        self.data = data
        self.source = source
        self.key = key

    def path(self, name: str) -> str:
        """Dotted key of ``name`` inside this table."""
        return f"{self.key}.{name}" if self.key else str(name)

    def error(self, name: str, message: str) -> ConfigError:
        """A :class:`ConfigError` for key ``name`` of this table."""
        return ConfigError(message, source=self.source, key=self.path(name))

    def has(self, name: str) -> bool:
        """Whether the table holds ``name``."""
        return name in self.data

    def allow(self, names: set[str] | frozenset[str]) -> None:
        """Reject keys outside ``names`` (typos must not pass silently)."""
        for k in self.data:
            if k not in names:
                raise self.error(
                    str(k),
                    _("unknown key (expected one of {keys})").format(keys=", ".join(sorted(names))),
                )

    def get(self, name: str, default: Any = ...) -> Any:
        """The raw value of ``name``; missing and no default is an error."""
        if name in self.data:
            return self.data[name]
        if default is ...:
            raise self.error(name, _("missing"))
        return default

    def table(self, name: str, default: Any = ...) -> Reader:
        """A sub-table as a :class:`Reader`."""
        return Reader(self.get(name, default), source=self.source, key=self.path(name))

    def str(self, name: str, default: Any = ..., *, choices: Any = None) -> str:
        """A string, optionally one of ``choices``."""
        v = self.get(name, default)
        if not isinstance(v, str):
            raise self.error(name, _("expected a string, got {value!r}").format(value=shown(v)))
        if choices is not None and v not in choices:
            raise self.error(
                name,
                _("{value!r} is not one of {choices}").format(
                    value=shown(v), choices=", ".join(sorted(choices))
                ),
            )
        return v

    def num(
        self,
        name: str,
        default: Any = ...,
        *,
        lo: float | None = None,
        hi: float | None = None,
        lo_open: bool = False,
    ) -> float:
        """A finite number within ``[lo, hi]`` (``(lo, hi]`` if ``lo_open``)."""
        v = self.get(name, default)
        return check_num(v, lambda m: self.error(name, m), lo=lo, hi=hi, lo_open=lo_open)

    def int(
        self, name: str, default: Any = ..., *, lo: int | None = None, hi: int | None = None
    ) -> int:
        """An integer within ``[lo, hi]``."""
        v = self.get(name, default)
        return check_int(v, lambda m: self.error(name, m), lo=lo, hi=hi)

    def bool(self, name: str, default: Any = ...) -> bool:
        """A boolean."""
        v = self.get(name, default)
        if not isinstance(v, bool):
            raise self.error(
                name, _("expected true or false, got {value!r}").format(value=shown(v))
            )
        return v


def check_num(
    v: Any,
    fail: Any,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
) -> float:
    """Validate a number; ``fail(message)`` builds the exception to raise."""
    if isinstance(v, bool) or not isinstance(v, int | float) or not _finite(v):
        raise fail(_("expected a finite number, got {value!r}").format(value=shown(v)))
    if lo is not None and (v <= lo if lo_open else v < lo):
        message = _("must be > {lo}, got {value}") if lo_open else _("must be >= {lo}, got {value}")
        raise fail(message.format(lo=shown(lo), value=shown(v)))
    if hi is not None and v > hi:
        raise fail(_("must be <= {hi}, got {value}").format(hi=shown(hi), value=shown(v)))
    return float(v)


def check_int(v: Any, fail: Any, *, lo: int | None = None, hi: int | None = None) -> int:
    """Validate an integer within ``[lo, hi]``; ``fail(message)`` builds the exception."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise fail(_("expected an integer, got {value!r}").format(value=shown(v)))
    if lo is not None and v < lo:
        raise fail(_("must be >= {lo}, got {value}").format(lo=shown(lo), value=shown(v)))
    if hi is not None and v > hi:
        raise fail(_("must be <= {hi}, got {value}").format(hi=shown(hi), value=shown(v)))
    return v


#: Longest text of a value in a message; longer ones are cut (a whole file pasted
#: into a key must not become a megabyte-long error line).
_SHOWN_CHARS = 60


class _Shown(str):
    """Text standing for a value in a message: ``{x}`` and ``{x!r}`` both print it as is."""

    def __repr__(self) -> str:
        return str(self)


def _finite(v: int | float) -> bool:
    """Whether a number is finite (an int too big for a float counts as not)."""
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def shown(v: Any) -> Any:
    """``v`` as a message should print it: huge numbers in short scientific form.

    An integer of more than 21 digits prints as ``1e+300`` rather than three
    hundred digits, a boolean as TOML and JSON write it (``true``, not ``True``),
    and a long value is cut to its first characters; anything else is returned
    unchanged, so ``{value}`` and ``{value!r}`` read as before.
    """
    if isinstance(v, bool):
        return _Shown("true" if v else "false")
    if isinstance(v, int) and abs(v) >= 10**21:
        try:
            return _Shown(f"{float(v):.6g}")
        except OverflowError:
            from decimal import Decimal

            return _Shown(f"{Decimal(v).normalize():.6g}".lower())
    if isinstance(v, list | tuple | dict):  # [1, true] as written, not [1, True]
        text = _inner(v)
        return _Shown(text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…")
    text = repr(v)
    if len(text) > _SHOWN_CHARS:
        return _Shown(text[: _SHOWN_CHARS - 1] + "…")
    return v


def _inner(v: Any) -> str:
    """The text of a list or table whose items print as :func:`shown` prints them.

    Only the first :data:`_SHOWN_CHARS` items are written: no more can show
    before the cut (a whole file pasted into a key costs nothing).
    """
    if isinstance(v, dict):
        items = [f"{_inner(k)}: {_inner(x)}" for k, x in list(v.items())[:_SHOWN_CHARS]]
        return "{" + ", ".join(items) + ("…" if len(v) > _SHOWN_CHARS else "") + "}"
    if isinstance(v, list | tuple):
        inner = ", ".join(_inner(x) for x in v[:_SHOWN_CHARS])
        inner += "…" if len(v) > _SHOWN_CHARS else ""
        return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
    return repr(shown(v))


#: Files :func:`read_table_text` has said it read as GB18030: a command may read one table
#: several times (checked with the config, then placed), and says so once.
_GB18030_WARNED: set[str] = set()


def read_table_text(path: str | Path) -> str:
    """The text of a table file a user wrote: UTF-8, else GB18030 (GBK), said in a warning.

    Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK, the users' default, so
    such a file is read rather than refused. UTF-8 is tried first and strictly (a
    byte-order mark is dropped), so a UTF-8 file is never read another way; a file
    that is not UTF-8 but decodes cleanly as GB18030 (a superset of GBK) is read so,
    with one ``yingji: warning:`` naming the file and the encoding.

    Parameters
    ----------
    path
        The file (a CSV table, an incident log...).

    Returns
    -------
    str
        The file's text, newlines untranslated (for :func:`csv.reader`).

    Raises
    ------
    networks.errors.ConfigError
        The file cannot be read, or is neither UTF-8 nor GB18030 text.
    """
    p = Path(path)
    src = str(p)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(
            _("cannot read: {reason}").format(reason=os_reason(exc)), source=src
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise ConfigError(
            _(
                'neither UTF-8 nor GBK (GB18030) text: save it again as "CSV UTF-8" '
                "(in Excel: Save As, CSV UTF-8 (Comma delimited))"
            ),
            source=src,
        ) from None
    seen = str(p.resolve())  # the same file, named relative or absolute, is warned about once
    if seen not in _GB18030_WARNED:
        _GB18030_WARNED.add(seen)
        logger.warning(
            _(
                '{source}: not UTF-8, read as GBK (GB18030), the encoding of Excel\'s "CSV" '
                'on Chinese Windows; if its Chinese text looks wrong, save it as "CSV UTF-8"'
            ).format(source=src)
        )
    return text.removeprefix("\ufeff")


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; unreadable or malformed files raise :class:`ConfigError`.

    A leading UTF-8 byte-order mark is dropped: Windows Notepad writes one, and
    TOML does not allow it.
    """
    p = Path(path)
    text = None
    try:
        text = p.read_bytes().decode("utf-8").removeprefix("\ufeff")
        return tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(_("file not found"), source=str(p)) from None
    except OSError as exc:
        raise ConfigError(
            _("cannot read: {reason}").format(reason=os_reason(exc)), source=str(p)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        from scenarios.toml_errors import toml_error_text

        error = toml_error_text(exc, text)
        raise ConfigError(_("not valid TOML: {error}").format(error=error), source=str(p)) from None
    except UnicodeDecodeError:
        raise ConfigError(_("not a UTF-8 text file"), source=str(p)) from None
    except ValueError as exc:  # an integer of over 4,300 digits (Python's limit)
        raise ConfigError(_("not valid TOML: {error}").format(error=exc), source=str(p)) from None


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``over`` laid on top; tables merge key by key, other values replace."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out
