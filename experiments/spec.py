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

A top-level ``language = "zh"`` (or the base run config's) picks the language the
commands speak: recorded in the manifest, part of no design point or result.

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
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from experiments.config import RunConfig
from experiments.design_labels import point_in_message
from experiments.design_points import DesignPoint, find_point, repeated_point
from experiments.factors import MAX_POINTS, Factor, lhs_table
from experiments.hashing import config_hash, identity_view
from experiments.metric_names import ID_METRICS, check_metric_names, design_stations
from experiments.region import check_township_stations
from experiments.run_keys import RUN_FILE
from experiments.seeding import check_root_seed
from experiments.spec_base import bare, load_base, own_facilities, set_path
from networks.errors import ConfigError
from networks.i18n import LANGUAGES, _, both
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.validate import MAX_REPLICATIONS, MAX_SEED, Reader, read_toml, shown

#: Most runs (design points x replications) of one experiment.
MAX_RUNS = 1_000_000
#: ``[base]`` of an experiment file (:func:`experiments.spec_base.load_base`): a run config.
BASE = RUN_FILE.replace(
    path="base",
    title="Base run config",
    keys=(
        Key("config", "path", "A whole, valid run config file, relative to the experiment "
            "file; the inline tables below override it.", "基准配置文件"),
        *RUN_FILE.keys,
    ),
    zh="基准配置",
    help="The run config every design point starts from: a file, inline run-config tables "
    "([base.network], [base.run] ...), or both. Its keys are a run config's.",
)  # fmt: skip
#: The top level of an experiment file (what :meth:`ExperimentSpec.from_dict` accepts).
EXPERIMENT = Section(
    "",
    "Experiment",
    (
        Key("name", "string", "Name of the experiment, for the report.", "名称",
            default_text="the file name without .toml"),
        Key("description", "string", "A sentence for the report.", "说明", default=""),
        Key("name_zh", "string", "Chinese title (one line), shown in Chinese.", "中文名称",
            default=""),
        Key("description_zh", "string", "Chinese description (one line).", "中文说明",
            default=""),
        Key("language", "string", "The language the commands speak unless the user chose one.",
            "语言", choices=LANGUAGES, default_text="the base run config's"),
        Key("base", "table",
            'The base run config: config = "run.toml" (relative to this file), inline run-config '
            "tables, or both (inline keys override the file).", "基准配置", default=REQUIRED),
        Key("factors", "array of tables", "The varied keys (see [[factors]]).", "试验因素",
            default=[]),
        Key("replications", "integer", "Replications per design point (common random numbers).",
            "重复次数", default=1, lo=1, hi=MAX_REPLICATIONS),
        Key("root_seed", "integer", "Root of the seed tree.", "随机种子", default=2024,
            lo=0, hi=MAX_SEED),
        Key("metrics", "list", "Summary metrics the report shows (at least one).", "指标",
            default_text="every numeric one"),
        Key("baseline", "any",
            'The baseline design point: a table factor key = level, or a point id such as "p000".',
            "基准方案"),
        Key("lhs_samples", "integer", "Latin-hypercube points (needed when a factor has lhs).",
            default=0, lo=0, hi=MAX_POINTS),
        Key("lhs_seed", "integer", "Seed of the hypercube draw.", lo=0, hi=MAX_SEED,
            default_text="root_seed"),
    ),
    help="A base run config, factors, replications and a root seed. Listed and ranged "
    "factors are crossed (full factorial); hypercube factors are sampled jointly and crossed "
    "with the grid. Every design point is validated as a run config.",
)  # fmt: skip


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
        if "base" not in data and "factors" not in data and "network" in data:
            raise ConfigError(
                _(
                    "this is a run config, not an experiment file (no [base] or [[factors]]): "
                    "run it with yingji run {path} --out DIR, or name it as base.config in "
                    "an experiment file"
                ).format(path=p),
                source=str(p),
            )
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
        EXPERIMENT.allow(top)
        language = EXPERIMENT.read(top, "language")
        name = data.get("name")
        base, base_language = load_base(
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

        replications = EXPERIMENT.read(top, "replications")
        root_seed = check_root_seed(data.get("root_seed", 2024), source=source, key="root_seed")
        has_lhs = any(f.is_lhs for f in factors)
        lhs_samples = EXPERIMENT.read(top, "lhs_samples")
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
            # Its keys are checked after the design points: a misspelt factor key is the
            # factor's error, not the (correct) baseline's.
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
        """Refuse a metric the design cannot give, before any replication runs.

        A name the simulation's summary never has, a table it needs that no design
        point has (``people_*`` without ``[people]``), or a station no point has
        (``utilisation_<station>_*``). Only for the simulation's own replication
        function: another one (a test's fake) has its own summary keys.

        Raises
        ------
        ConfigError
            Naming the experiment file, ``metrics[i]`` and why.
        """
        configs = [p.config for p in self.points()]
        check_metric_names(self.metrics, source=self.source,
                           configs=[c.to_dict() for c in configs],
                           stations=lambda: design_stations(configs))  # fmt: skip

    # ---------------------------------------------------------------- design
    def lhs_table(self) -> list[tuple[Any, ...]]:
        """The Latin-hypercube sample: one tuple of values per sample (empty design: ``[()]``)."""
        return lhs_table(self.factors, self.lhs_samples, self.root_seed, self.lhs_seed)

    def points(self) -> list[DesignPoint]:
        """Every design point, validated, in design order (grid outer, hypercube inner).

        Raises
        ------
        ConfigError
            A level that is not a valid run config, or two points that are the
            same run config (:func:`~experiments.design_points.repeated_point`).
        """
        hit = self._cache.get("points")
        if hit is not None:
            return hit
        grid = [f for f in self.factors if not f.is_lhs]
        lhs = [f for f in self.factors if f.is_lhs]
        order = {f.key: i for i, f in enumerate(self.factors)}
        combos = itertools.product(itertools.product(*(f.levels for f in grid)), self.lhs_table())
        points: list[DesignPoint] = []
        seen: dict[str, DesignPoint] = {}
        for index, (g, h) in enumerate(combos):
            chosen = dict(zip([f.key for f in grid], g, strict=True))
            chosen.update(zip([f.key for f in lhs], h, strict=True))
            values = tuple(sorted(chosen.items(), key=lambda kv: order[kv[0]]))
            config = self._point_config(values)
            # Input files by place in the project and contents, never by absolute path.
            view = identity_view(config, base_dir=self.base_dir)
            point = DesignPoint(
                index=index,
                values=values,
                config=config,
                config_hash=config_hash(view),
                inputs=tuple(view.get("input_files", {}).items()),
            )
            if point.config_hash in seen:
                raise repeated_point(
                    seen[point.config_hash],
                    point,
                    self.factors,
                    lhs_samples=self.lhs_samples,
                    source=self.source,
                )
            seen[point.config_hash] = point
            points.append(point)
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
        own_facilities(data, dict(values))
        # The experiment owns the seed tree; the run's own seed and count are fixed here.
        data.setdefault("run", {})
        data["run"]["seed"] = self.root_seed
        data["run"]["replications"] = 1
        try:
            config = RunConfig.from_dict(data, source=self.source, base_dir=self.base_dir)
            # Needs the network, not only the file: before any point runs (cached network).
            check_township_stations(config)
            return config
        except ConfigError as exc:
            blame, error = self._blame(exc.key), bare(exc)
            if blame.startswith("factors[") and exc.key:  # a misspelt factor key shows
                error = f"{exc.key}: {error}"
            text = _("{error} (design point {label})")
            raise ConfigError(text.format(error=error, label=point_in_message(values)),
                              source=self.source, key=blame) from None  # fmt: skip

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


def _one_line(top: Reader, name: str) -> str:
    """An optional label of one printable line (``""`` when not given)."""
    text = top.str(name, "")
    if text and not text.isprintable():
        raise top.error(
            name, _("must be one line of printable text, got {value!r}").format(value=shown(text))
        )
    return text
