"""The manifest of an experiment output folder: its identity and its checks.

``manifest.json`` names the experiment a folder holds (format tag, identity,
package version, root seed, design points) and the language of the latest run.
This module holds the identity of an experiment, the design point as the
manifest records it, reading a manifest with its structure checked, saying
what makes two manifests different experiments (see :mod:`experiments.store`),
and whether a folder keeps per-incident records (``records``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.design import (
    DesignPoint,
    ExperimentSpec,
    canonical_json,
    code_digest,
    package_version,
)
from networks.errors import ConfigError
from networks.files import atomic_write_text
from networks.i18n import LANGUAGES, _, get_language

#: Format tag of ``manifest.json``.
FORMAT = "yingji-experiment/1"


@dataclass(frozen=True)
class StoredPoint:
    """A design point as the manifest records it."""

    index: int
    id: str
    label: str
    values: dict[str, Any]
    config_hash: str


def experiment_identity(
    hashes: Sequence[str], *, root_seed: int, version: str, replicate: str
) -> str:
    """What makes two runs the same experiment (not the replication count)."""
    import hashlib

    text = canonical_json(
        {"points": list(hashes), "root_seed": root_seed, "version": version, "replicate": replicate}
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_manifest(
    spec: ExperimentSpec, points: Sequence[DesignPoint], *, replicate: str
) -> dict[str, Any]:
    """The manifest of a run of ``spec`` (:meth:`~experiments.store.ResultStore.create_or_resume`).

    Parameters
    ----------
    spec
        The experiment.
    points
        Its design points (``spec.points()``).
    replicate
        Qualified name of the replication function (part of the identity).
    """
    version = package_version()
    identity = experiment_identity(
        [p.config_hash for p in points],
        root_seed=spec.root_seed,
        version=version,
        replicate=replicate,
    )
    manifest = {
        "format": FORMAT,
        "identity": identity,
        "experiment": spec.name,
        "description": spec.description,
        "source": str(spec.source),
        "package_version": version,
        "code_digest": code_digest(),
        "root_seed": spec.root_seed,
        "replicate": replicate,
        "replications": spec.replications,
        "factors": [f.to_dict() for f in spec.factors],
        "metrics": list(spec.metrics),
        "baseline": dict(spec.baseline),
        "language": get_language(),
        "points": [
            {
                "index": p.index,
                "id": p.id,
                "label": p.label,
                "values": dict(p.values),
                "config_hash": p.config_hash,
            }
            for p in points
        ],  # fmt: skip
    }
    # Input files by contents, to say which one changed (the config hashes hold them).
    inputs = sorted({pair for p in points for pair in p.inputs})
    if inputs:
        manifest["inputs"] = [list(pair) for pair in inputs]
    # Chinese labels, when given: words only, like the language (not in the identity).
    manifest.update(
        {k: getattr(spec, k) for k in ("name_zh", "description_zh") if getattr(spec, k, "")}
    )
    return manifest


def read_manifest(root: Path) -> dict[str, Any]:
    """The manifest of an output folder, its structure checked (else :class:`ConfigError`)."""
    path = root / "manifest.json"
    if not os.path.lexists(root):  # a mistyped folder: said as such, not as a folder of others
        raise ConfigError(_("no such folder"), source=str(root))
    if not path.is_file():
        raise ConfigError(_("no manifest.json: not an experiment output folder"), source=str(root))
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(
            _("unreadable manifest ({error})").format(error=exc), source=str(path)
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = data.get("format") if isinstance(data, dict) else None
        raise ConfigError(
            _("manifest format {found!r}, expected {expected!r}").format(
                found=got, expected=FORMAT
            ),
            source=str(path),
        )
    problem = _manifest_problem(data)
    if problem:
        raise ConfigError(
            _("damaged manifest: {problem}").format(problem=problem), source=str(path)
        )
    return data


def manifest_language(manifest: Mapping[str, Any]) -> str | None:
    """The language an output folder was last run in (``None``: not recorded, or unknown)."""
    lang = manifest.get("language")
    return lang if isinstance(lang, str) and lang in LANGUAGES else None


def _manifest_problem(data: Mapping[str, Any]) -> str | None:
    """What is wrong with a manifest's structure (``None`` when it reads as written)."""
    for key, kind in (
        ("identity", str), ("package_version", str), ("replicate", str), ("root_seed", int),
        ("replications", int), ("factors", list), ("metrics", list), ("baseline", dict),
        ("points", list),
    ):  # fmt: skip
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            return _("{key} missing or not of type {type}").format(key=key, type=kind.__name__)
    if data["replications"] < 1:
        return _("replications < 1")
    for i, f in enumerate(data["factors"]):
        if not isinstance(f, dict) or not isinstance(f.get("key"), str):
            return _("factors[{i}] has no key").format(i=i)
    if not all(isinstance(m, str) for m in data["metrics"]):
        return _("metrics are not names")
    keys = {f["key"] for f in data["factors"]}
    if not data["points"]:
        return _("no design points")
    for i, p in enumerate(data["points"]):
        if not (
            isinstance(p, dict)
            and p.get("index") == i
            and p.get("id") == f"p{i:03d}"
            and isinstance(p.get("label"), str)
            and isinstance(p.get("values"), dict)
            and set(p["values"]) == keys
            and isinstance(p.get("config_hash"), str)
        ):
            return _("points[{i}] is not a design point of the factors").format(i=i)
    return None


def difference(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    configs: Callable[[str], tuple[Any, Any]] | None = None,
) -> str:
    """Say what makes two manifests different experiments.

    Parameters
    ----------
    old, new
        The folder's manifest and the one the experiment would write now.
    configs
        Point id -> its run config as stored there and as it is now (plain data;
        ``None`` where unreadable; :func:`stored_configs`), so that a changed point
        is named by the first config key that differs, not by its hash alone.

    Returns
    -------
    str
        One clause, in the language in use.
    """
    if old.get("package_version") != new["package_version"]:
        return _("package version {there} there, {now} now").format(
            there=old.get("package_version"), now=new["package_version"]
        )
    if old.get("root_seed") != new["root_seed"]:
        return _("root seed {there} there, {now} now").format(
            there=old.get("root_seed"), now=new["root_seed"]
        )
    if old.get("replicate") != new["replicate"]:
        return _("replication function {there} there, {now} now").format(
            there=old.get("replicate"), now=new["replicate"]
        )
    a = [p["config_hash"] for p in old.get("points", [])]
    b = [p["config_hash"] for p in new["points"]]
    if len(a) != len(b):
        return _("{there} design points there, {now} now").format(there=len(a), now=len(b))
    changed = _input_change(old, new)
    if changed:
        return changed
    for pa, pb, hold in zip(a, b, old["points"], strict=True):
        if pa != pb:
            changed = changed_key(*configs(hold["id"])) if configs is not None else None
            if changed is not None:
                key, there, now = changed
                return _("design point {id}: {key} is {there} there, {now} now").format(
                    id=hold["id"], key=key, there=there, now=now
                )
            return _("design point {id} config hash {there} there, {now} now").format(
                id=hold["id"], there=pa[:12], now=pb[:12]
            )
    return _("different identity")  # pragma: no cover


def stored_configs(root: Path, points: Sequence[DesignPoint]) -> Callable[[str], tuple[Any, Any]]:
    """For :func:`difference`: a design point's run config as ``root`` stored it, and now.

    Parameters
    ----------
    root
        The output folder (its ``points/<id>.json``).
    points
        The design points as they are now.

    Returns
    -------
    callable
        Point id -> ``(stored, now)`` as plain data; ``None`` for a side that cannot
        be read (the point file damaged or missing, or no such point now).
    """
    now = {p.id: p for p in points}

    def configs(point_id: str) -> tuple[Any, Any]:
        try:
            there = json.loads((root / "points" / f"{point_id}.json").read_text("utf-8"))
        except (OSError, ValueError):  # unreadable: the hash says it instead
            return None, None
        p = now.get(point_id)
        stored = there.get("config") if isinstance(there, dict) else None
        return stored, (p.config.to_dict() if p is not None else None)

    return configs


def changed_key(there: Any, now: Any, at: str = "") -> tuple[str, str, str] | None:
    """The first dotted key whose value differs between two configs, with both values.

    Parameters
    ----------
    there, now
        Two run configs as plain data (tables of tables).
    at
        The dotted key of the tables given (``""`` at the top).

    Returns
    -------
    tuple of str, or None
        ``(key, value there, value now)``, values as JSON cut to :data:`_SHOWN`
        characters (a key set on one side only reads "not set"); ``None`` if the
        two are equal or either is not a table.
    """
    if not (isinstance(there, Mapping) and isinstance(now, Mapping)):
        return None
    for key in sorted(set(there) | set(now), key=str):
        name = f"{at}.{key}" if at else str(key)
        a, b = there.get(key, _UNSET), now.get(key, _UNSET)
        if a == b:
            continue
        inner = changed_key(a, b, name)
        if inner is not None:
            return inner
        return name, _shown(a), _shown(b)
    return None


#: A key one config sets and the other does not.
_UNSET = object()


#: Characters of a value an error shows (a changed list of tables would fill the line).
_SHOWN = 80


def _shown(value: Any) -> str:
    if value is _UNSET:
        return _("not set")
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _input_change(old: Mapping[str, Any], new: Mapping[str, Any]) -> str | None:
    """Which input file changed its contents between two manifests (``None``: none did)."""
    now = {(str(p), str(d)) for p, d in new.get("inputs", [])}
    if not now:
        return None
    listed = old.get("inputs")
    if not isinstance(listed, list):
        return _(
            "no input files recorded there (another design, or results from before yingji "
            "knew input files by their contents); {files} now"
        ).format(files=", ".join(sorted({p for p, _d in now})))
    there: dict[str, str] = {}
    for pair in listed:
        if isinstance(pair, list) and len(pair) == 2:
            there.setdefault(str(pair[0]), str(pair[1]))
    for path, digest in sorted(now):
        if path in there and there[path] != digest and (path, there[path]) not in now:
            return _(
                "input file {path} changed since those results were made: "
                "sha256 {there} there, {now} now"
            ).format(path=path, there=there[path][:12], now=digest[:12])
    # A file read now and not then (a helper added to a policy package, a catalogue named), or
    # read then and not now: also another experiment, and the file says which.
    paths = {p for p, _d in now}
    added = sorted(paths - set(there))
    if added:
        return _("input file {path} is read now but was not by those results").format(path=added[0])
    gone = sorted(set(there) - paths)
    if gone:
        return _("input file {path} was read by those results but is not now").format(path=gone[0])
    return None


def keeps_records(root: Path) -> bool:
    """Whether an output folder keeps per-incident records: started with ``--records``.

    Read before a run rewrites the manifest. Its ``records`` flag, written when
    the folder first runs with ``--records``, says so even if that run was killed
    before any replication finished; a folder from before the flag has
    ``records/`` or a replication's records archive (``runs/*/r*.npz``).

    Parameters
    ----------
    root
        The output folder (it may not exist yet).

    Returns
    -------
    bool
    """
    try:
        if json.loads((root / "manifest.json").read_bytes()).get("records") is True:
            return True
    except (OSError, ValueError, AttributeError):
        pass  # no manifest yet, or one the store itself refuses
    return (root / "records").is_dir() or next(root.glob("runs/*/r*.npz"), None) is not None


def mark_records(root: Path, manifest: dict[str, Any]) -> None:
    """Write ``"records": true`` into a folder's manifest, so every later run keeps recording.

    Parameters
    ----------
    root
        The output folder.
    manifest
        Its manifest as the store holds it (updated in place).
    """
    if manifest.get("records") is not True:
        manifest["records"] = True
        text = json.dumps(manifest, indent=2, allow_nan=False) + "\n"
        atomic_write_text(root / "manifest.json", text)
