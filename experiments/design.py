"""Experiment specs: a base run config, factors, replications and a root seed.

An experiment is a TOML file::

    name = "policies-by-stations"
    replications = 4
    root_seed = 20240601
    metrics = ["share_arrival", "arrival_mean", "arrival_p90"]   # what the report shows
    baseline = { "policy.name" = "nearest_available", "network.townships" = 10 }

    [base]                      # a run config: a file, inline tables, or both
    config = "county.toml"      # relative to this file; inline keys below override it
    [base.run]
    travel_noise = 0.1

    [[factors]]                 # levels listed ...
    key = "policy.name"
    levels = ["nearest_available", "severity_priority"]

    [[factors]]                 # ... or a range, start..stop inclusive
    key = "network.townships"
    range = [6, 10, 4]

    [[factors]]                 # ... or a Latin hypercube over [low, high]
    key = "run.travel_noise"
    lhs = [0.0, 0.3]            # integer = true for whole numbers
    lhs_samples = 8             # at top level: how many hypercube points

Optional ``name_zh`` and ``description_zh`` (one line of printable text each)
give the title and description in Chinese: the Chinese report and ``experiment
plan`` show them. Like ``name`` and ``description`` they are labels: recorded in
the manifest, never part of a design point or its hash.

A top-level ``language = "zh"`` (or the base run config's) picks the language
the commands speak; it is recorded in the output folder's manifest but is not
part of any design point: results do not depend on it.

A factor's ``key`` is a dotted path into the run config
(:meth:`experiments.config.RunConfig.to_dict`). Listed and ranged factors are
crossed (full factorial, the last factor varying fastest); the hypercube
factors are sampled jointly (``scipy.stats.qmc.LatinHypercube``, seeded from
the root seed or ``lhs_seed``) and that sample is crossed with the grid. Every
design point is re-validated as a run config, so a bad level is reported with
the experiment file and the factor's key.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from experiments.config import RunConfig
from experiments.seeding import check_root_seed, design_rng
from networks.errors import ConfigError
from networks.i18n import LANGUAGES, _, both
from scenarios.validate import MAX_REPLICATIONS, Reader, check_num, read_toml

_TOP = {
    "name", "description", "base", "factors", "replications", "root_seed", "metrics",
    "baseline", "lhs_samples", "lhs_seed", "language", "name_zh", "description_zh",
}  # fmt: skip
#: Keys a factor may not vary: the experiment owns seeds, replication counts and language.
_RESERVED = {"run.seed", "run.replications", "run", "name", "language"}
#: Keys of a run config that label it rather than change what runs (not hashed).
_UNHASHED = frozenset({"name", "language"})
#: Most design points of one experiment (levels of a factor, hypercube samples, their
#: product): every point is validated up front, so a count beyond this would hang.
MAX_POINTS = 10_000
#: Most runs (design points x replications) of one experiment.
MAX_RUNS = 1_000_000
#: Summary keys that identify a replication rather than measure it (never metrics).
ID_METRICS = frozenset({"replication", "root_seed", "point", "seed"})


def package_version() -> str:
    """The installed version of yingji (``0+unknown`` when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("yingji")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


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


_METRICS_CACHE: dict[str, Any] = {}


def simulation_metrics() -> tuple[frozenset[str], tuple[str, ...]] | None:
    """Metric names the simulation's summary can hold: fixed names and prefixes of the rest.

    Derived from :func:`sim.summary.summarise` of an empty run, so it follows the
    simulator: nested tables that are empty there (per station, per grade, per
    unserved reason, per depot tier) become prefixes such as ``utilisation_``.

    Returns
    -------
    tuple or None
        ``(names, prefixes)``; ``None`` if the summary cannot be derived (then no
        metric name is refused before the run).
    """
    hit = _METRICS_CACHE.get("sim")
    if hit is not None or "sim" in _METRICS_CACHE:
        return hit
    out: tuple[frozenset[str], tuple[str, ...]] | None
    try:
        import numpy as np

        from experiments.runner import flatten
        from sim import records as rec
        from sim.summary import summarise

        flags = {"served", "mutual_aid", "diverted", "from_scene"}
        text = {"reason", "tier", "kind", "hazard", "capability", "name", "item", "requirement"}

        def table(cols: Sequence[str]) -> dict[str, Any]:
            kinds = {c: bool if c in flags else str if c in text else float for c in cols}
            return {c: np.array([], dtype=k) for c, k in kinds.items()}

        empty = rec.RunRecords(
            incidents=table(rec.INCIDENT_COLUMNS),
            dispatches=table(rec.DISPATCH_COLUMNS),
            supplies=table(rec.SUPPLY_COLUMNS),
            stockouts=table(rec.STOCKOUT_COLUMNS),
            teams=table(("station", "capability", "size")),
            stations=table(("name",)),
            depots=table(("name",)),
            stock={},
            start=0.0,
            end=1.0,
            meta={"reinforcement": {"called_min": None, "arrived_min": None}},
        )
        summary = summarise(empty)
        names = frozenset(flatten(summary)) - ID_METRICS
        prefixes = tuple(
            sorted(f"{k}_" for k, v in summary.items() if isinstance(v, Mapping) and not v)
        )
        out = (names, prefixes)
    except Exception:  # noqa: BLE001 - a simulator change must not stop experiments
        out = None
    _METRICS_CACHE["sim"] = out
    return out


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


def format_value(value: Any) -> str:
    """Short text of a factor level for labels and table cells."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, Mapping | list | tuple):
        return canonical_json(value)
    return str(value)


# --------------------------------------------------------------------------- factors
@dataclass(frozen=True)
class Factor:
    """One varied key: listed levels, or a Latin-hypercube range.

    Attributes
    ----------
    key
        Dotted path into the run config, e.g. ``"policy.name"``.
    levels
        The levels of a listed or ranged factor (empty for a hypercube factor).
    low, high
        Bounds of a hypercube factor (``None`` otherwise).
    integer
        Whether hypercube values are whole numbers (``low..high`` inclusive).
    """

    key: str
    levels: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    integer: bool = False

    @property
    def is_lhs(self) -> bool:
        """Whether the factor is sampled by the Latin hypercube."""
        return self.low is not None

    @classmethod
    def from_dict(cls, data: Any, *, source: str, key: str) -> Factor:
        """Validate one ``[[factors]]`` table (``key`` is e.g. ``factors[1]``)."""
        r = Reader(data, source=source, key=key)
        r.allow({"key", "levels", "range", "lhs", "integer"})
        path = data.get("key")
        if not isinstance(path, str) or not path or any(not p for p in path.split(".")):
            raise ConfigError(
                _('expected a dotted config key such as "policy.name", got {value!r}').format(
                    value=path
                ),
                source=source,
                key=f"{key}.key",
            )
        if path in _RESERVED or path.startswith("run.seed"):
            raise ConfigError(
                _(
                    "{key!r} is set by the experiment (replications, root_seed, language), "
                    "not a factor"
                ).format(key=path),
                source=source,
                key=f"{key}.key",
            )
        given = [k for k in ("levels", "range", "lhs") if k in data]
        if len(given) != 1:
            raise ConfigError(
                _(
                    "give exactly one of levels = [...], range = [start, stop, step] "
                    "or lhs = [low, high]"
                ),
                source=source,
                key=key,
            )
        kind = given[0]
        integer = r.bool("integer", False)
        if kind == "levels":
            levels = data["levels"]
            if not isinstance(levels, list) or not levels:
                raise ConfigError(
                    _("expected a non-empty list of levels"), source=source, key=f"{key}.levels"
                )
            try:
                texts = [canonical_json(v) for v in levels]
            except (TypeError, ValueError):
                raise ConfigError(
                    _(
                        "levels must be numbers, text, booleans, lists or tables "
                        "(not dates or times)"
                    ),
                    source=source,
                    key=f"{key}.levels",
                ) from None
            if len(set(texts)) != len(texts):
                raise ConfigError(_("levels repeat"), source=source, key=f"{key}.levels")
            return cls(key=path, levels=tuple(levels))
        if kind == "range":
            return cls(key=path, levels=_range_levels(data["range"], source, f"{key}.range"))
        bounds = data["lhs"]
        where = f"{key}.lhs"
        pair = isinstance(bounds, list) and len(bounds) == 2
        low, high = (_number(b, source, where) for b in bounds) if pair else (0.0, 0.0)
        if not low < high:
            raise ConfigError(
                _("expected [low, high] numbers with low < high, got {value!r}").format(
                    value=bounds
                ),
                source=source,
                key=where,
            )
        if integer and not (low.is_integer() and high.is_integer()):
            raise ConfigError(
                _("integer hypercube bounds must be whole numbers"),
                source=source,
                key=f"{key}.lhs",
            )
        return cls(key=path, low=low, high=high, integer=integer)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict` (a range comes back as levels)."""
        if self.is_lhs:
            out: dict[str, Any] = {"key": self.key, "lhs": [self.low, self.high]}
            if self.integer:
                out["integer"] = True
            return out
        return {"key": self.key, "levels": list(self.levels)}


def _number(v: Any, source: str, key: str) -> float:
    """A finite number of a list (range, lhs bounds), checked the shared way."""
    return check_num(v, lambda m: ConfigError(m, source=source, key=key))


def _range_levels(value: Any, source: str, key: str) -> tuple[Any, ...]:
    """``[start, stop, step]`` -> start, start + step, ... up to stop inclusive."""
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise ConfigError(
            _("expected [start, stop] or [start, stop, step] numbers, got {value!r}").format(
                value=value
            ),
            source=source,
            key=key,
        )
    for v in value:
        _number(v, source, key)  # the levels keep their own type (whole numbers stay int)
    start, stop = value[0], value[1]
    step = value[2] if len(value) == 3 else 1
    if step <= 0 or stop < start:
        raise ConfigError(
            _("expected start <= stop and a positive step, got {value!r}").format(value=value),
            source=source,
            key=key,
        )
    if all(isinstance(v, int) for v in (start, stop, step)):
        n: int | None = (stop - start) // step + 1
    else:
        ratio = (stop - start) / step
        n = math.floor(ratio + 1e-9) + 1 if ratio < 10**15 else None
    if n is None or n > MAX_POINTS:
        message = (
            _("range gives {count} levels; at most {most} design points")
            if n is not None and n < 10**15
            else _("range gives more than 10**15 levels; at most {most} design points")
        )
        raise ConfigError(
            message.format(count=f"{n:,}" if n is not None else "", most=f"{MAX_POINTS:,}"),
            source=source,
            key=key,
        )
    if all(isinstance(v, int) for v in (start, stop, step)):
        return tuple(range(start, stop + 1, step))
    # Multiply, do not accumulate, so 0.1 steps do not drift.
    return tuple(round(start + i * step, 12) for i in range(n))


# --------------------------------------------------------------------------- points
@dataclass(frozen=True, eq=False)
class DesignPoint:
    """One combination of factor levels, validated as a run config.

    Attributes
    ----------
    index
        Position in the design (0-based); results are sorted by it.
    values
        ``(key, level)`` per factor, in factor order.
    config
        The validated run config of this point.
    config_hash
        :func:`config_hash` of ``config.to_dict()``.
    """

    index: int
    values: tuple[tuple[str, Any], ...]
    config: RunConfig
    config_hash: str

    @property
    def id(self) -> str:
        """Stable short name, ``p000``, ``p001``, ..."""
        return f"p{self.index:03d}"

    @property
    def label(self) -> str:
        """``key=level, key=level`` (or ``base`` for a design without factors)."""
        return ", ".join(f"{k}={format_value(v)}" for k, v in self.values) or "base"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (id, factor levels, hash, config)."""
        return {
            "index": self.index,
            "id": self.id,
            "label": self.label,
            "values": {k: v for k, v in self.values},
            "config_hash": self.config_hash,
            "config": self.config.to_dict(),
        }


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


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


# --------------------------------------------------------------------------- spec
@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment (see the module docstring for the file format).

    Attributes
    ----------
    name, description
        For the report.
    name_zh, description_zh
        Chinese title and description (``""``: none), shown in Chinese.
    source
        The experiment file (for error messages and as the design points' source).
    base_dir
        Folder that relative paths in factor levels are read from.
    base
        The base run config as plain data (paths absolute).
    factors
        The varied keys.
    replications
        Replications per design point.
    root_seed
        Root of the seed tree (:mod:`experiments.seeding`).
    metrics
        Summary metrics the report shows (all numeric ones when empty).
    baseline
        ``(key, level)`` pairs naming the baseline design point, or ``(("id", "p003"),)``.
    lhs_samples
        Latin-hypercube points (needed when a factor has ``lhs``).
    lhs_seed
        Seed of the hypercube draw (``root_seed`` when ``None``).
    language
        The language the experiment's commands speak (``None``: the user's choice).
    """

    name: str
    source: str
    base_dir: Path
    base: Mapping[str, Any]
    factors: tuple[Factor, ...] = ()
    replications: int = 1
    root_seed: int = 2024
    metrics: tuple[str, ...] = ()
    baseline: tuple[tuple[str, Any], ...] = ()
    lhs_samples: int = 0
    lhs_seed: int | None = None
    description: str = ""
    language: str | None = None
    name_zh: str = ""
    description_zh: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # ------------------------------------------------------------------ load
    @classmethod
    def from_file(cls, path: str | Path) -> ExperimentSpec:
        """Read and validate an experiment TOML file."""
        p = Path(path)
        if p.is_dir():
            raise ConfigError(_("is a folder; expected an experiment TOML file"), source=str(p))
        if not p.is_file():
            raise ConfigError(_("no such file"), source=str(p))
        data = read_toml(p)
        return cls.from_dict(data, source=str(p), base_dir=p.resolve().parent)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        source: str = "<experiment>",
        base_dir: Path | None = None,
    ) -> ExperimentSpec:
        """Validate plain data (as read from TOML); see the module docstring."""
        base_dir = Path(base_dir or Path.cwd())
        top = Reader(data, source=source)
        top.allow(_TOP)
        language = top.str("language", choices=LANGUAGES) if top.has("language") else None
        name = data.get("name")
        base, base_language = _load_base(
            data.get("base"),
            source=source,
            base_dir=base_dir,
            name=name if isinstance(name, str) and name else "experiment",
        )

        raw_factors = data.get("factors", [])
        if not isinstance(raw_factors, list):
            raise ConfigError(
                _("expected an array of tables [[factors]]"), source=source, key="factors"
            )
        factors = tuple(
            Factor.from_dict(f, source=source, key=f"factors[{i}]")
            for i, f in enumerate(raw_factors)
        )
        keys = [f.key for f in factors]
        for i, k in enumerate(keys):
            for j, other in enumerate(keys[:i]):
                if k == other or k.startswith(other + ".") or other.startswith(k + "."):
                    raise ConfigError(
                        _("{key!r} overlaps factors[{j}] {other!r}").format(
                            key=k, j=j, other=other
                        ),
                        source=source,
                        key=f"factors[{i}]",
                    )

        replications = top.int("replications", 1, lo=1, hi=MAX_REPLICATIONS)
        root_seed = check_root_seed(data.get("root_seed", 2024), source=source, key="root_seed")
        has_lhs = any(f.is_lhs for f in factors)
        lhs_samples = top.int("lhs_samples", 0, lo=0, hi=MAX_POINTS)
        if has_lhs and lhs_samples < 1:
            raise ConfigError(
                _("a factor has lhs = [low, high]; give lhs_samples = N (N >= 1)"),
                source=source,
                key="lhs_samples",
            )
        if not has_lhs and lhs_samples:
            raise ConfigError(
                _("lhs_samples given but no factor has lhs = [low, high]"),
                source=source,
                key="lhs_samples",
            )
        lhs_seed = data.get("lhs_seed")
        if lhs_seed is not None:
            lhs_seed = check_root_seed(lhs_seed, source=source, key="lhs_seed")

        # Count the design before expanding it: a product of long level lists would hang.
        n_points = math.prod(len(f.levels) for f in factors if not f.is_lhs) * max(lhs_samples, 1)
        if n_points > MAX_POINTS:
            raise ConfigError(
                _("the factors give {n} design points; at most {most}").format(
                    n=f"{n_points:,}", most=f"{MAX_POINTS:,}"
                ),
                source=source,
                key="factors",
            )
        if n_points * replications > MAX_RUNS:
            raise ConfigError(
                _(
                    "{points} design points x {replications} replications = {runs} runs; "
                    "at most {most}"
                ).format(
                    points=f"{n_points:,}",
                    replications=f"{replications:,}",
                    runs=f"{n_points * replications:,}",
                    most=f"{MAX_RUNS:,}",
                ),
                source=source,
                key="replications",
            )

        metrics = data.get("metrics", [])
        if not isinstance(metrics, list) or not all(isinstance(m, str) and m for m in metrics):
            raise ConfigError(_("expected a list of metric names"), source=source, key="metrics")
        if not metrics and "metrics" in data:
            # An empty list must not quietly mean "the default metrics".
            raise ConfigError(
                _("expected at least one metric name (leave metrics out for the default ones)"),
                source=source,
                key="metrics",
            )
        if len(set(metrics)) != len(metrics):
            raise ConfigError(_("metrics repeat"), source=source, key="metrics")
        for i, m in enumerate(metrics):
            if m in ID_METRICS:
                raise ConfigError(
                    _("{metric!r} identifies a replication; it is not a metric").format(metric=m),
                    source=source,
                    key=f"metrics[{i}]",
                )

        baseline = data.get("baseline", {})
        if isinstance(baseline, str):
            baseline_items: tuple[tuple[str, Any], ...] = (("id", baseline),)
        elif isinstance(baseline, Mapping):
            for k in baseline:
                if k not in keys:
                    raise ConfigError(
                        _("{key!r} is not a factor key (factors: {keys})").format(key=k, keys=keys),
                        source=source,
                        key=f"baseline.{k}",
                    )
            baseline_items = tuple(baseline.items())
        else:
            raise ConfigError(
                _('expected a table of factor levels or a point id such as "p000"'),
                source=source,
                key="baseline",
            )
        spec = cls(
            name=top.str("name", "") or Path(source).stem,
            description=top.str("description", ""),
            name_zh=_one_line(top, "name_zh"),
            description_zh=_one_line(top, "description_zh"),
            source=source,
            base_dir=base_dir,
            base=base,
            factors=factors,
            replications=replications,
            root_seed=root_seed,
            metrics=tuple(metrics),
            baseline=baseline_items,
            lhs_samples=lhs_samples,
            lhs_seed=lhs_seed,
            language=language if language is not None else base_language,
        )
        spec.points()  # validate every design point now, not halfway through a run
        if spec.baseline:
            spec.baseline_point()
        return spec

    def to_dict(self) -> dict[str, Any]:
        """Plain data; :meth:`from_dict` of it gives an equal spec (base inline)."""
        out: dict[str, Any] = {
            "name": self.name,
            "replications": self.replications,
            "root_seed": self.root_seed,
            "base": copy.deepcopy(dict(self.base)),
            "factors": [f.to_dict() for f in self.factors],
        }
        if self.description:
            out["description"] = self.description
        for key in ("name_zh", "description_zh"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.metrics:
            out["metrics"] = list(self.metrics)
        if self.baseline:
            b = dict(self.baseline)
            out["baseline"] = b["id"] if set(b) == {"id"} else b
        if self.lhs_samples:
            out["lhs_samples"] = self.lhs_samples
        if self.lhs_seed is not None:
            out["lhs_seed"] = self.lhs_seed
        if self.language is not None:
            out["language"] = self.language
        return out

    def check_metrics(self) -> None:
        """Refuse a metric the simulation's summary never has, before any replication runs.

        Only for the simulation's own replication function: another one (a test's
        fake) has its own summary keys.

        Raises
        ------
        ConfigError
            Naming the experiment file and ``metrics[i]``.
        """
        known = simulation_metrics()
        if known is None:
            return
        names, prefixes = known
        for i, m in enumerate(self.metrics):
            if m in names or m.startswith(prefixes):
                continue
            import difflib

            close = difflib.get_close_matches(m, sorted(names), n=1)
            message = (
                _(
                    "unknown metric {metric!r}; did you mean {close!r}? metrics are summary "
                    "keys such as compliance_arrival or intervals_arrival_p90"
                )
                if close
                else _(
                    "unknown metric {metric!r}; metrics are summary keys such as "
                    "compliance_arrival or intervals_arrival_p90"
                )
            )
            raise ConfigError(
                message.format(metric=m, close=close[0] if close else ""),
                source=self.source,
                key=f"metrics[{i}]",
            )

    # ---------------------------------------------------------------- design
    def lhs_table(self) -> list[tuple[Any, ...]]:
        """The Latin-hypercube sample: one tuple of values per sample (empty design: ``[()]``)."""
        lhs = [f for f in self.factors if f.is_lhs]
        if not lhs:
            return [()]
        from scipy.stats import qmc

        sampler = qmc.LatinHypercube(d=len(lhs), rng=design_rng(self.root_seed, self.lhs_seed))
        unit = sampler.random(self.lhs_samples)
        rows = []
        for u in unit:
            row = []
            for f, x in zip(lhs, u, strict=True):
                assert f.low is not None and f.high is not None
                if f.integer:
                    # Equal-width bins over low..high inclusive keep the stratification.
                    row.append(int(min(f.low + math.floor(x * (f.high - f.low + 1)), f.high)))
                else:
                    row.append(float(f.low + x * (f.high - f.low)))
            rows.append(tuple(row))
        return rows

    def points(self) -> list[DesignPoint]:
        """Every design point, validated, in design order (grid outer, hypercube inner)."""
        hit = self._cache.get("points")
        if hit is not None:
            return hit
        grid = [f for f in self.factors if not f.is_lhs]
        lhs = [f for f in self.factors if f.is_lhs]
        order = {f.key: i for i, f in enumerate(self.factors)}
        combos = itertools.product(itertools.product(*(f.levels for f in grid)), self.lhs_table())
        points = []
        for index, (g, h) in enumerate(combos):
            chosen = dict(zip([f.key for f in grid], g, strict=True))
            chosen.update(zip([f.key for f in lhs], h, strict=True))
            values = tuple(sorted(chosen.items(), key=lambda kv: order[kv[0]]))
            config = self._point_config(values)
            points.append(
                DesignPoint(
                    index=index,
                    values=values,
                    config=config,
                    config_hash=config_hash(config.to_dict()),
                )
            )
        self._cache["points"] = points
        return points

    def _point_config(self, values: Sequence[tuple[str, Any]]) -> RunConfig:
        data = copy.deepcopy(dict(self.base))
        for key, level in values:
            try:
                set_path(data, key, level)
            except ValueError as exc:
                i = [f.key for f in self.factors].index(key)
                raise ConfigError(str(exc), source=self.source, key=f"factors[{i}].key") from None
        # The experiment owns the seed tree; the run's own seed and count are fixed here.
        data.setdefault("run", {})
        data["run"]["seed"] = self.root_seed
        data["run"]["replications"] = 1
        label = ", ".join(f"{k}={format_value(v)}" for k, v in values) or "base"
        try:
            return RunConfig.from_dict(data, source=self.source, base_dir=self.base_dir)
        except ConfigError as exc:
            raise ConfigError(
                _("{error} (design point {label})").format(error=_bare(exc), label=label),
                source=self.source,
                key=self._blame(exc.key),
            ) from None

    def _blame(self, key: str | None) -> str:
        """The experiment-file key to blame for a run-config error at ``key``."""
        for i, f in enumerate(self.factors):
            if key and (key == f.key or key.startswith(f.key + ".") or f.key.startswith(key)):
                return f"factors[{i}]"
        return f"base.{key}" if key else "base"

    def baseline_point(self) -> DesignPoint | None:
        """The design point named by :attr:`baseline` (``None`` when not given)."""
        if not self.baseline:
            return None
        return find_point(self.points(), dict(self.baseline), source=self.source)

    def title(self) -> str:
        """The experiment's name in the language in use (``name_zh`` in Chinese)."""
        return both(self.name, self.name_zh)

    def about(self) -> str:
        """The description in the language in use (``description_zh`` in Chinese)."""
        return both(self.description, self.description_zh)

    @cached_property
    def factor_keys(self) -> tuple[str, ...]:
        """Keys of the factors, in order."""
        return tuple(f.key for f in self.factors)


def find_point(
    points: Sequence[DesignPoint], want: Mapping[str, Any], *, source: str | None = None
) -> DesignPoint:
    """The one design point matching ``want`` (``{"id": "p003"}`` or factor levels).

    Factor levels given as text (from the command line) match a point whose
    level formats to the same text.
    """
    if set(want) == {"id"}:
        for p in points:
            if p.id == want["id"] or str(p.index) == str(want["id"]):
                return p
        raise ConfigError(
            _("no design point {id!r} ({first}..{last})").format(
                id=want["id"], first="p000", last=f"p{len(points) - 1:03d}"
            ),
            source=source,
            key="baseline",
        )
    hits = [
        p
        for p in points
        if all(
            k in dict(p.values)
            and (
                dict(p.values)[k] == v
                or (isinstance(v, str) and format_value(dict(p.values)[k]) == v)
            )
            for k, v in want.items()
        )
    ]
    if len(hits) != 1:
        what = ", ".join(f"{k}={format_value(v)}" for k, v in want.items())
        raise ConfigError(
            _("{levels} matches {n} design points; name exactly one").format(
                levels=what, n=len(hits)
            ),
            source=source,
            key="baseline",
        )
    return hits[0]


def _one_line(top: Reader, name: str) -> str:
    """An optional label of one printable line (``""`` when not given)."""
    text = top.str(name, "")
    if text and not text.isprintable():
        raise top.error(
            name, _("must be one line of printable text, got {value!r}").format(value=text)
        )
    return text


def _bare(exc: ConfigError) -> str:
    """The message of a ConfigError without its ``source: key:`` prefix."""
    text = str(exc)
    prefix = ": ".join(p for p in (exc.source, exc.key) if p)
    return text[len(prefix) + 2 :] if prefix and text.startswith(prefix + ": ") else text


def _load_base(
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
            _bare(exc), source=source, key=f"base.{exc.key}" if exc.key else "base"
        ) from None
    out = cfg.to_dict()
    return out, out.pop("language", None)
