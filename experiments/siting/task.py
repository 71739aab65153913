"""What ``yingji site`` is asked to do: the ``[siting]`` section of a run config.

One task sites one tier of one kind of facility::

    [[siting]]
    name = "stations"        # output sub-folder (default: the facility)
    facility = "stations"    # or "depots"
    tier = "township"        # the tier being re-sited; other tiers stay where they are
    model = "mclp"           # lscp, mclp, backup, pmedian, pcenter; depots also hierarchy
    p = 10                   # sites of this tier (default: as many as there are now)
    standard_min = 10        # default: targets.arrival for stations, 30 for depots
    turnout_min = 0          # part of the standard spent before the wheels roll
    candidates = "auto"      # auto, landmarks, nodes, current, or a table file
    demand = "scenario"      # scenario (sampled incidents), population, nodes, or a table
    demand_samples = 20      # incident streams sampled for the demand
    fix = "none"             # none, current, or a table of sites that must stay open
    time_limit_s = 60        # solver time limit; the gap is reported when it runs out
    capacity = 400           # pmedian only: demand one site can serve (default unlimited)

``[siting]`` may be one table (one task) or an array of tables (several).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from experiments.geo_rows import table_file
from networks.errors import ConfigError
from networks.i18n import N_, _, both
from scenarios.config_keys import Key, Section
from scenarios.validate import MAX_REPLICATIONS

#: Models ``yingji site`` can run, by name.
MODELS = ("lscp", "mclp", "backup", "pmedian", "pcenter", "hierarchy")
#: Models that take a number of sites ``p``.
P_MODELS = frozenset({"mclp", "backup", "pmedian", "pcenter", "hierarchy"})
#: Default delivery-time standard for depots, minutes (a choice: the relief plans set
#: 12 hours for the first relief of the affected people, not a drive time).
DEPOT_STANDARD_MIN = 30.0
_KEYWORDS = {
    "candidates": ("auto", "landmarks", "nodes", "current"),
    "demand": ("scenario", "population", "nodes"),
    "fix": ("none", "current"),
}
#: The facilities of one tier as a person names them (tier and facility are config values).
FACILITIES = {
    ("stations", "provincial"): N_("provincial stations"),
    ("stations", "city"): N_("city stations"),
    ("stations", "county"): N_("county stations"),
    ("stations", "township"): N_("township stations"),
    ("depots", "city"): N_("city depots"),
    ("depots", "county"): N_("county depots"),
    ("depots", "township"): N_("township depots"),
    ("depots", "village"): N_("village depots"),
}
#: Location models by the names planners and the literature use (config keys are not names).
MODEL_NAMES = {
    "lscp": N_("LSCP"),
    "mclp": N_("MCLP"),
    "backup": N_("backup coverage"),
    "pmedian": N_("p-median"),
    "pcenter": N_("p-center"),
    "hierarchy": N_("supply hierarchy"),
}


@dataclass(frozen=True)
class SitingTask:
    """One siting question, validated.

    Attributes
    ----------
    name
        Output sub-folder and label.
    facility
        ``"stations"`` or ``"depots"``.
    tier
        Tier of the facilities being sited.
    model
        One of :data:`MODELS`.
    p
        Sites of this tier to open; ``None`` for as many as the tier has now.
    standard_min
        Response (stations) or delivery (depots) standard, minutes; ``None`` for
        the default (``targets.arrival`` or :data:`DEPOT_STANDARD_MIN`).
    turnout_min
        Minutes of the standard used before travel starts; the models cover
        travel within ``standard_min - turnout_min``.
    candidates, demand, fix
        A keyword (see the module docstring) or a table :class:`~pathlib.Path`.
    candidate_spacing_m
        With ``candidates = "nodes"`` on a network of more than 3,000 nodes, one
        candidate per grid cell of this size.
    demand_samples
        Incident streams drawn for ``demand = "scenario"``.
    time_limit_s
        Solver time limit, seconds.
    backup_weight
        ``backup`` model: value of a second cover relative to a first.
    capacity
        ``pmedian`` model: demand weight one site of this tier can serve
        (``None``: unlimited); other tiers' sites are unlimited.
    min_coverage
        ``hierarchy`` model: share of demand to deliver within the standard.
    upstream_weight
        ``hierarchy`` model: weight of the restocking legs (1: the whole chain
        counts; 0: stock is pre-positioned, only the last leg counts).
    source
        File the task came from, for error messages.
    key
        Its dotted key there.
    cli
        Keys set on the command line (their errors name the option, not the file).
    """

    name: str
    facility: str = "stations"
    tier: str = "township"
    model: str = "mclp"
    p: int | None = None
    standard_min: float | None = None
    turnout_min: float = 0.0
    candidates: str | Path = "auto"
    candidate_spacing_m: float = 1000.0
    demand: str | Path = "scenario"
    demand_samples: int = 20
    fix: str | Path = "none"
    time_limit_s: float = 60.0
    backup_weight: float = 0.5
    capacity: float | None = None
    min_coverage: float = 0.0
    upstream_weight: float = 1.0
    source: str = "<config>"
    key: str = "siting"
    cli: tuple[str, ...] = ()

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str, key: str, base_dir: Path
    ) -> SitingTask:
        """Validate one ``[siting]`` table (paths are relative to ``base_dir``)."""
        from scenarios.validate import Reader
        from sim.facilities import DEPOT_TIERS, STATION_TIERS

        r = Reader(data, source=source, key=key)
        SITING.allow(r)
        facility = SITING.read(r, "facility")
        tiers = STATION_TIERS if facility == "stations" else DEPOT_TIERS
        tier = r.str("tier", SITING["tier"].default, choices=tiers)
        model = SITING.read(r, "model")
        if model == "hierarchy" and facility != "depots":
            raise r.error("model", _('the hierarchy model sites depots; use facility = "depots"'))
        p = SITING.read(r, "p")
        standard = SITING.read(r, "standard_min")
        turnout = SITING.read(r, "turnout_min")
        if standard is not None and turnout >= standard:
            raise r.error(
                "turnout_min",
                _("must be below standard_min ({minutes})").format(minutes=f"{standard:g}"),
            )

        def choice(name: str) -> str | Path:
            v = SITING.read(r, name)
            if v in _KEYWORDS[name]:
                return v
            if not Path(v).suffix:
                raise r.error(
                    name,
                    _("{value!r} is neither one of {keywords} nor a table file").format(
                        value=v, keywords=", ".join(_KEYWORDS[name])
                    ),
                )
            path = Path(v) if Path(v).is_absolute() else base_dir / v
            if not table_file(path)[0].exists():  # a GeoPackage's layer after '#'
                raise r.error(name, _("no such file {path}").format(path=path))
            return path

        capacity = None
        if r.get("capacity", None) is not None:
            if model != "pmedian":
                raise r.error("capacity", _("only the pmedian model takes capacities"))
            capacity = SITING.read(r, "capacity")
        name = r.str("name", facility)
        # The name is the task's output sub-folder: a plain folder name, never a path.
        if (
            not name.strip()
            or name in (".", "..")
            or name.startswith(".")
            or any(c in name for c in "/\\:")
            or not name.isprintable()
        ):
            raise r.error(
                "name",
                _(
                    "{name!r} cannot name an output sub-folder: give a plain folder name, "
                    "without /, \\ or :, not starting with a dot"
                ).format(name=name),
            )
        return cls(
            name=name,
            facility=facility,
            tier=tier,
            model=model,
            p=p,
            standard_min=standard,
            turnout_min=turnout,
            candidates=choice("candidates"),
            candidate_spacing_m=SITING.read(r, "candidate_spacing_m"),
            demand=choice("demand"),
            demand_samples=SITING.read(r, "demand_samples"),
            fix=choice("fix"),
            time_limit_s=SITING.read(r, "time_limit_s"),
            backup_weight=SITING.read(r, "backup_weight"),
            capacity=capacity,
            min_coverage=SITING.read(r, "min_coverage"),
            upstream_weight=SITING.read(r, "upstream_weight"),
            source=source,
            key=key,
        )

    def error(self, name: str, message: str) -> ConfigError:
        """A :class:`ConfigError` about key ``name``, naming its file or its option."""
        if name in self.cli:
            return ConfigError(message, source=_("command line"), key=option_name(name))
        return ConfigError(
            message, source=self.source, key=f"{self.key}.{name}" if self.key else name
        )

    def standard(self, targets: Mapping[str, float]) -> float:
        """The standard in minutes, defaults applied."""
        if self.standard_min is not None:
            return self.standard_min
        if self.facility == "stations":
            return float(targets.get("arrival", 10.0))
        return DEPOT_STANDARD_MIN

    def travel_budget_min(self, targets: Mapping[str, float]) -> float:
        """Minutes of travel the covering models allow (standard less turnout)."""
        budget = self.standard(targets) - self.turnout_min
        if budget <= 0:
            raise self.error(
                "turnout_min",
                _(
                    "turnout_min {turnout} leaves no travel time within the standard {standard} min"
                ).format(turnout=f"{self.turnout_min:g}", standard=f"{self.standard(targets):g}"),
            )
        return budget


def _tiers_text() -> str:
    from sim.facilities import DEPOT_TIERS, STATION_TIERS

    return f"stations: {', '.join(STATION_TIERS)}; depots: {', '.join(DEPOT_TIERS)}"


def _keyword_text(name: str) -> str:
    return ", ".join(_KEYWORDS[name]) + ", or a table file (CSV, GeoJSON, GeoPackage, Shapefile)"


#: One ``[[siting]]`` table of a run config (what :meth:`SitingTask.from_dict` accepts).
SITING = Section(
    "siting[]",
    "Siting task",
    (
        Key("name", "string", "Output sub-folder and label (a plain folder name).", "名称",
            default_text="the facility"),
        Key("facility", "string", "What is sited.", "设施类型", default=SitingTask.facility,
            choices=("stations", "depots")),
        Key("tier", "string", "The tier being re-sited; the other tiers stay where they are.",
            "层级", default=SitingTask.tier, allowed_text=_tiers_text()),
        Key("model", "string", "The location model; hierarchy sites depots only.", "选址模型",
            default=SitingTask.model, choices=MODELS),
        Key("p", "integer", "Sites of this tier to open.", "站点数量", lo=1,
            default_text="as many as the tier has now"),
        Key("standard_min", "number", "Response (stations) or delivery (depots) standard, minutes.",
            "时限标准", lo=0.0, lo_open=True,
            default_text=f"targets.arrival for stations, {DEPOT_STANDARD_MIN:g} for depots"),
        Key("turnout_min", "number",
            "Minutes of the standard used before travel starts (below standard_min).", "出动用时",
            default=SitingTask.turnout_min, lo=0.0),
        Key("candidates", "string", "Where sites may stand.", "候选点",
            default=SitingTask.candidates, allowed_text=_keyword_text("candidates")),
        Key("candidate_spacing_m", "number",
            'With candidates = "nodes" on a network of over 3,000 nodes: one candidate per grid '
            "cell of this size, metres.", default=SitingTask.candidate_spacing_m,
            lo=0.0, lo_open=True),
        Key("demand", "string",
            "Where demand is: sampled incidents, population, every node, or a table "
            "(column weight, default 1).", "需求", default=SitingTask.demand,
            allowed_text=_keyword_text("demand")),
        # Each sample is a whole incident stream: bounded like replications.
        Key("demand_samples", "integer", 'Incident streams drawn for demand = "scenario".',
            default=SitingTask.demand_samples, lo=1, hi=MAX_REPLICATIONS),
        Key("fix", "string", "Sites that must stay open.", "保留站点", default=SitingTask.fix,
            allowed_text=_keyword_text("fix")),
        Key("time_limit_s", "number", "Solver time limit, seconds; the gap is reported.",
            default=SitingTask.time_limit_s, lo=0.0, lo_open=True),
        Key("backup_weight", "number", "backup model: value of a second cover relative to a first.",
            default=SitingTask.backup_weight, lo=0.0, hi=1.0),
        Key("min_coverage", "number",
            "hierarchy model: share of demand to deliver within the standard.",
            default=SitingTask.min_coverage, lo=0.0, hi=1.0),
        Key("upstream_weight", "number",
            "hierarchy model: weight of the restocking legs (1: the whole chain; 0: the last leg).",
            default=SitingTask.upstream_weight, lo=0.0, hi=1.0),
        Key("capacity", "number", "pmedian model only: demand one site of this tier can serve.",
            "服务能力", lo=0.0, lo_open=True, default_text="unlimited"),
    ),
    zh="选址",
    help="[siting] may be one table (one task) or an array of tables [[siting]]; each task "
    "re-sites one tier of one kind of facility (yingji site). Command-line options override "
    "the same keys.",
)  # fmt: skip


def facilities_text(facility: str, tier: str) -> str:
    """The facilities of one tier as a person names them: ``township stations`` (乡镇应急救援站)."""
    text = FACILITIES.get((facility, tier))
    return _(text) if text else f"{tier} {facility}"


#: A task left unnamed is named after its facility (``stations``): how Chinese output says it.
_DEFAULT_TASK_ZH = {"stations": "应急救援站", "depots": "应急物资库"}


def task_label(task: SitingTask) -> str:
    """A task's name in the language in use: an unnamed one (``stations``) reads 应急救援站."""
    zh = _DEFAULT_TASK_ZH.get(task.name) if task.name == task.facility else None
    return both(task.name, zh)


def model_text(model: str) -> str:
    """A location model as the account names it (``p-median``; p-中位模型 in Chinese)."""
    text = MODEL_NAMES.get(model)
    return _(text) if text else model


def option_name(key: str) -> str:
    """The ``yingji site`` option that sets task key ``key`` (``time_limit_s``: --time-limit)."""
    return "--" + {"time_limit_s": "time-limit"}.get(key, key.replace("_", "-"))


def read_tasks(
    data: Mapping[str, Any],
    *,
    source: str,
    base_dir: Path,
    overrides: Mapping[str, Any] | None = None,
    only: Sequence[str] | None = None,
) -> list[SitingTask]:
    """The siting tasks of a run config (plain TOML data), command-line overrides applied.

    Parameters
    ----------
    data
        The whole run config as read from TOML.
    source
        Its file, for error messages.
    base_dir
        Folder that relative paths start from.
    overrides
        Task keys set on the command line (``model``, ``p``, ``standard_min``,
        ``fix``...), applied to every task; a ``fix`` path is relative to the
        current folder.
    only
        Names of the tasks to keep (all if ``None``).

    Returns
    -------
    list of SitingTask
        One stations task (MCLP on the township tier) if the config has no
        ``[siting]`` section.
    """
    raw = data.get("siting", {})
    if isinstance(raw, Mapping):
        tables, keys = [raw], ["siting"]
    elif isinstance(raw, list) and raw and all(isinstance(t, Mapping) for t in raw):
        tables, keys = raw, [f"siting[{i}]" for i in range(len(raw))]
    else:
        raise ConfigError(_("expected a table or an array of tables"), source=source, key="siting")
    tasks = [
        SitingTask.from_dict(t, source=source, key=k, base_dir=base_dir)
        for t, k in zip(tables, keys, strict=True)
    ]
    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})  # the names given twice
        raise ConfigError(
            _("task names repeat: {names}").format(names=", ".join(twice)),
            source=source,
            key="siting",
        )
    if only:
        missing = [n for n in only if n not in names]
        if missing:
            raise ConfigError(
                _("no siting task named {name!r} (tasks: {tasks})").format(
                    name=missing[0], tasks=", ".join(names)
                ),
                source=_("command line"),
                key="--task",
            )
        tasks = [t for t in tasks if t.name in only]
    if overrides:
        cli = tuple(sorted(overrides))
        merged = []
        for t in tasks:
            table = {**_as_table(t), **dict(overrides)}
            try:
                task = SitingTask.from_dict(table, source=t.source, key="", base_dir=Path.cwd())
            except ConfigError as exc:
                # Name the option if the bad value came from the command line, else the key.
                name = str(exc.key or "")
                message = str(exc).removeprefix(f"{exc.source}: {exc.key}: ")
                if name == "turnout_min" and "standard_min" in overrides:
                    # The file's turnout no longer fits the standard given on the command line.
                    name = "standard_min"
                    message = _("must exceed turnout_min ({minutes} in {file})").format(
                        minutes=f"{t.turnout_min:g}", file=t.source
                    )
                raise replace(t, cli=cli).error(name, message) from None
            merged.append(replace(task, source=t.source, key=t.key, cli=cli))
        tasks = merged
    return tasks


def _as_table(task: SitingTask) -> dict[str, Any]:
    """A task as the TOML table it came from (paths absolute)."""
    out: dict[str, Any] = {
        "name": task.name,
        "facility": task.facility,
        "tier": task.tier,
        "model": task.model,
        "turnout_min": task.turnout_min,
        "candidate_spacing_m": task.candidate_spacing_m,
        "demand_samples": task.demand_samples,
        "time_limit_s": task.time_limit_s,
        "backup_weight": task.backup_weight,
        "min_coverage": task.min_coverage,
        "upstream_weight": task.upstream_weight,
    }
    for name in ("candidates", "demand", "fix"):
        out[name] = str(getattr(task, name))
    if task.p is not None:
        out["p"] = task.p
    if task.standard_min is not None:
        out["standard_min"] = task.standard_min
    if task.capacity is not None:
        out["capacity"] = task.capacity
    return out
