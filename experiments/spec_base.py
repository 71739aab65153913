"""The base run config of an experiment: loading it, merging inline tables, setting dotted keys.

:func:`load_base` reads ``[base]`` (a run-config file, inline tables, or both)
into validated plain data; :func:`set_path` sets one factor level in such data and
:func:`own_facilities` lets a level's stations or depots replace the base's;
:func:`bare` is a ConfigError's message without its ``source: key:`` prefix.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from experiments.config import RunConfig
from networks.errors import ConfigError
from networks.i18n import _


def set_path(data: dict[str, Any], key: str, value: Any) -> None:
    """Set ``data[a][b][c] = value`` for ``key = "a.b.c"``, creating tables as needed."""
    parts = key.split(".")
    node = data
    for i, part in enumerate(parts[:-1]):
        nxt = node.setdefault(part, {})
        if not isinstance(nxt, dict):
            raise ValueError(_("{key} is not a table").format(key=".".join(parts[: i + 1])))
        node = nxt
    node[parts[-1]] = copy.deepcopy(value)


def own_facilities(data: dict[str, Any], levels: Mapping[str, Any]) -> None:
    """Let a design point's stations or depots replace the base's, however either gives them.

    The base always holds a source (``facilities.stations = "default"`` when not
    inline), so a factor giving the other form (inline ``stations`` over a file or
    the default, or ``facilities.stations`` over inline ones) would otherwise be
    refused as both. Two factors giving both forms are left for the run config to
    refuse.

    Parameters
    ----------
    data
        The point's run config as plain data, levels already set (changed in place).
    levels
        The point's factor levels, by key.
    """
    whole = levels.get("facilities")
    for kind in ("stations", "depots"):
        inline = kind in levels
        table = f"facilities.{kind}" in levels or (isinstance(whole, Mapping) and kind in whole)
        if inline and not table:
            data.get("facilities", {}).pop(kind, None)
        elif table and not inline:
            data.pop(kind, None)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def bare(exc: ConfigError) -> str:
    """The message of a ConfigError without its ``source: key:`` prefix."""
    text = str(exc)
    prefix = ": ".join(p for p in (exc.source, exc.key) if p)
    return text[len(prefix) + 2 :] if prefix and text.startswith(prefix + ": ") else text


def load_base(
    value: Any, *, source: str, base_dir: Path, name: str
) -> tuple[dict[str, Any], str | None]:
    """The base run config as validated plain data (a file, inline tables, or both).

    Without a ``name`` of its own the run config is named ``name`` (the experiment's),
    never after the experiment file, so a renamed copy of the file is the same experiment.
    Its ``language`` is returned apart (the experiment's, when it has none of its own):
    the design points never carry it.
    """
    if value is None:
        raise ConfigError(
            _('missing [base]: give config = "run.toml" or inline run-config tables'),
            source=source,
            key="base",
        )
    if not isinstance(value, Mapping):
        raise ConfigError(_("expected a table"), source=source, key="base")
    inline = {k: v for k, v in value.items() if k != "config"}
    data: dict[str, Any] = {}
    if "config" in value:
        ref = value["config"]
        if not isinstance(ref, str):
            raise ConfigError(
                _("expected a path to a run config"), source=source, key="base.config"
            )
        path = Path(ref) if Path(ref).is_absolute() else base_dir / ref
        if not path.is_file():
            raise ConfigError(
                _("no such run config file: {path}").format(path=path),
                source=source,
                key="base.config",
            )
        data = RunConfig.from_file(path).to_dict()
    data = _merge(data, inline)
    data.setdefault("name", name)
    try:
        cfg = RunConfig.from_dict(data, source=source, base_dir=base_dir)
    except ConfigError as exc:
        raise ConfigError(
            bare(exc), source=source, key=f"base.{exc.key}" if exc.key else "base"
        ) from None
    out = cfg.to_dict()
    return out, out.pop("language", None)
