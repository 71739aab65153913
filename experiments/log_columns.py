"""The columns of an incident log and of its disruption schedule, described for the reference.

The readers (:mod:`scenarios.incident_rows`, :mod:`scenarios.disruption_log`)
accept the column names of :data:`scenarios.incident_rows.LOG_COLUMNS` and
:data:`scenarios.export.DISRUPTION_COLUMNS`; the sections here take their names
from those tuples (a column without a description here is an error), and add
what each column means.
"""

from __future__ import annotations

from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.export import DISRUPTION_COLUMNS
from scenarios.incident_rows import LOG_COLUMNS

__all__ = ["DISRUPTIONS_TABLE", "INCIDENT_LOG_TABLE"]

#: ``name -> (type, meaning, Chinese term, needed)`` of the incident log's columns.
_LOG = {
    "id": ("integer", "Incident id (whole numbers, unique).", "事件编号", False),
    "time": ("any", "When the call came: minutes since the run's start, or ISO 8601 date-times "
             "(the same way in every row).", "报警时间", True),
    "time_min": ("any", "Another name of time (as yingji scenario sample writes it).", "", False),
    "node": ("integer", "Node index of the network (wins over lon/lat, which must agree).",
             "节点", False),
    "osmid": ("integer", "OpenStreetMap node id.", "", False),
    "lon": ("number", "Longitude, snapped to the nearest road node (with lat).", "经度", False),
    "lat": ("number", "Latitude (with lon).", "纬度", False),
    "x": ("number", "Written by yingji scenario sample; not read.", "", False),
    "y": ("number", "Written by yingji scenario sample; not read.", "", False),
    "hazard": ("string", "A catalogue key (building_fire) or a hazard's English or Chinese "
               "name.", "事件类型", True),
    "category": ("string", "The hazard's category (checked against it).", "事件类别", False),
    "grade": ("string", "I-IV, 1-4 or 特别重大 / 重大 / 较大 / 一般.", "事件等级", True),
    "teams": ("string", '"fire:2;medical:1", or a number of teams of the capability the '
              "catalogue asks most of; empty: the catalogue's.", "救援力量需求", False),
    "teams_needed": ("string", "Another name of teams.", "", False),
    "supplies": ("string", '"drinking_water:200;tents:10"; empty: the catalogue\'s.', "物资需求",
                 False),
    "control_work": ("number", "Minutes of work on scene until under control; empty: drawn "
                     "per replication.", "处置用时", False),
    "clear_work": ("number", "Minutes on scene after control until the teams leave; empty: "
                   "drawn.", "清场用时", False),
    "parent": ("integer", "Id of the incident it cascaded from (-1 or empty: none).", "", False),
}  # fmt: skip
#: ``name -> (type, meaning, needed)`` of a disruption schedule's columns.
_DISRUPTIONS = {
    "start_min": ("number", "Minutes since the run's start when the road closes or slows.", True),
    "end_min": ("number", "When it reopens (inf: at the end of the run).", True),
    "incident": ("integer", "Id of the log's incident that caused it (-1: none).", False),
    "factor": ("number", "Travel-time multiplier >= 1 (inf closes).", True),
    "label": ("string", "Free text.", False),
    "n_edges": ("integer", "Number of edges (checked against edges).", False),
    "edges": ("string", "Edge indices of the network, separated by spaces.", True),
}  # fmt: skip

#: An incident log (``[scenario] incidents``), one row per incident.
INCIDENT_LOG_TABLE = Section(
    "incident log",
    "Incident log (CSV)",
    tuple(
        Key(c, _LOG[c][0], _LOG[c][1], _LOG[c][2], default=REQUIRED if _LOG[c][3] else None)
        for c in LOG_COLUMNS
    ),
    zh="事件记录",
    help="Your own incidents, replayed in every replication instead of drawing the scenario "
    "(yingji scenario sample writes such a file). Any column order; the place is lon and "
    "lat, node, or osmid. What the log leaves out is drawn for each replication.",
    columns=True,
)  # fmt: skip
#: A disruption schedule (``[scenario] disruptions``), as ``yingji scenario sample`` writes it.
DISRUPTIONS_TABLE = Section(
    "disruptions table",
    "Road disruptions (CSV)",
    tuple(
        Key(c, _DISRUPTIONS[c][0], _DISRUPTIONS[c][1],
            default=REQUIRED if _DISRUPTIONS[c][2] else None)
        for c in DISRUPTION_COLUMNS
    ),
    zh="道路中断记录",
    help="Road closures and slowdowns of an incident log, one row per disruption.",
    columns=True,
)  # fmt: skip
