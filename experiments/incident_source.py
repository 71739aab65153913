"""``[scenario] incidents = "log.csv"``: a run replays your own incidents instead of drawing them.

::

    [scenario]
    incidents = "log.csv"                  # relative to the config file
    disruptions = "log.disruptions.csv"    # optional: road closures, as sample writes them
    start = 2024-07-01T08:00:00            # optional: the run's start, for date-time logs
    max_snap_m = 500                       # optional: farthest lon/lat from a road node
    name = "multi_hazard"                  # optional: whose hazard catalogue names the hazards

Every replication replays the same incidents; the work on scene the log
leaves out is drawn per replication (:class:`scenarios.incident_log.IncidentLog`).
The log is checked when the config is read (every row, all but the places) and
placed on the network with the region, so a bad row stops a run before any
work, with one line naming the log, the row and the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _
from networks.roadnet import RoadNetwork
from scenarios.catalogue import HazardCatalogue
from scenarios.config_keys import Key
from scenarios.incident_log import MAX_LOG_SNAP_M, IncidentLog
from scenarios.incident_rows import read_log_rows
from scenarios.log_table import read_csv_table
from scenarios.validate import Reader, shown

__all__ = ["INCIDENT_KEYS", "IncidentSource", "config_log"]

#: Largest ``max_snap_m``: 50 km (farther is not the same place).
MAX_SNAP_LIMIT_M = 50_000.0
#: The keys of ``[scenario]`` that replay a log.
INCIDENT_KEYS = (
    Key("incidents", "path", "Your own incident log (CSV), replayed in every replication "
        "instead of drawing the scenario; relative to the config.", "事件记录"),
    Key("disruptions", "path", "Road disruptions of the log, as yingji scenario sample "
        "writes them (NAME.disruptions.csv).", "道路中断记录"),
    Key("start", "date-time", "The run's start when the log's times are date-times "
        "(default: the earliest incident; one without a UTC offset is read in the log's).",
        "起始时间"),
    Key("max_snap_m", "number", "Farthest a log's lon/lat may lie from a road node, metres.",
        "最大吸附距离", default=MAX_LOG_SNAP_M, lo=0, hi=MAX_SNAP_LIMIT_M),
)  # fmt: skip


def _path(r: Reader, name: str, base: Path) -> Path:
    p = Path(r.str(name))
    p = p if p.is_absolute() else base / p
    if not p.is_file():
        raise r.error(name, _("no such file: {path}").format(path=p))
    return p


@dataclass(frozen=True)
class IncidentSource:
    """Where a run's incidents come from when it replays a log.

    Attributes
    ----------
    path
        The incident log (absolute, or relative to the working folder).
    disruptions
        Its road disruption schedule, if any.
    start
        The run's start for date-time logs (ISO 8601), ``None``: the earliest incident.
    max_snap_m
        Farthest a ``lon``/``lat`` may lie from its road node, metres.
    """

    path: Path
    disruptions: Path | None = None
    start: str | None = None
    max_snap_m: float = MAX_LOG_SNAP_M

    @classmethod
    def from_table(
        cls, r: Reader, *, base_dir: Path, catalogue: HazardCatalogue
    ) -> IncidentSource | None:
        """The log keys of a ``[scenario]`` table, the log checked row by row (``None``: none).

        Raises
        ------
        networks.errors.ConfigError
            A key out of place (naming the config file), a bad row (naming
            the log, the row and the column), or a log with no rows.
        """
        if not r.has("incidents"):
            for k in INCIDENT_KEYS[1:]:
                if r.has(k.name):
                    raise r.error(k.name, _("only with scenario.incidents (a log to replay)"))
            return None
        start = r.get("start", None)
        if start is not None and not isinstance(start, datetime | str):
            raise r.error(
                "start", _("expected a date-time, got {value!r}").format(value=shown(start))
            )
        if isinstance(start, str):
            try:
                datetime.fromisoformat(start)
            except ValueError:
                raise r.error(
                    "start",
                    _("expected a date-time like 2026-12-01T08:00, got {value!r}").format(
                        value=start
                    ),
                ) from None
        src = cls(
            path=_path(r, "incidents", base_dir),
            disruptions=_path(r, "disruptions", base_dir) if r.has("disruptions") else None,
            start=start.isoformat() if isinstance(start, datetime) else start,
            max_snap_m=INCIDENT_KEYS[3].read(r),
        )
        table = read_csv_table(src.path)
        read_log_rows(table, catalogue=catalogue, start=src.start)
        if len(table) == 0:  # after the header's check, as the station tables do
            raise ConfigError(
                _("the table has no rows (no incidents); give at least one"), source=table.source
            )
        return src

    def place(self, network: RoadNetwork, *, catalogue: HazardCatalogue) -> IncidentLog:
        """The log checked and placed on ``network`` (errors name the log, row and column)."""
        return IncidentLog.from_csv(
            self.path, network, catalogue=catalogue, start=self.start,
            max_snap_m=self.max_snap_m, disruptions=self.disruptions,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """The ``[scenario]`` keys (TOML- and JSON-ready; paths absolute)."""
        out: dict[str, Any] = {"incidents": str(self.path.absolute())}
        if self.disruptions is not None:
            out["disruptions"] = str(self.disruptions.absolute())
        if self.start is not None:
            out["start"] = self.start
        if self.max_snap_m != MAX_LOG_SNAP_M:
            out["max_snap_m"] = self.max_snap_m
        return out


def config_log(config: Any, network: RoadNetwork) -> IncidentLog | None:
    """The incident log of a run config placed on ``network`` (``None``: it draws a scenario).

    Its hazards are those of the config's scenario catalogue (``scenario.name``
    or ``scenario.file``; by default the shipped catalogue).
    """
    source = getattr(config, "incidents", None)
    if source is None:
        return None
    from scenarios import load_scenario

    return source.place(network, catalogue=load_scenario(config.scenario).hazard_catalogue())
