"""Figures of the warning lead-time experiment (``examples/warning_lead.toml``).

In docs/simulation.md, "Lead time 0, 6 or 24 h before a typhoon": the table
and the sentences that quote its figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from experiments.docsgen.render import Block, Runs, minus, read_rows
from experiments.docsgen.workspace import Command, Session

#: The example's experiment on one worker (the default: the docs script runs two sessions at
#: once, and the results do not depend on the workers), then its analysis.
WARNING_LEAD = Session(
    "warning-lead",
    (
        Command(("experiment", "run", "examples/warning_lead.toml", "--out", "wl", "--quiet")),
        Command(("experiment", "report", "wl")),
    ),
    slow=True,  # 60 replications of a typhoon: about a minute on one core
)


@dataclass(frozen=True)
class Row:
    """One row of the table: a metric of the summary and how its figures print.

    Attributes
    ----------
    label
        The row's words in the first column.
    metric
        The summary metric.
    unit
        Text after each figure (``" min"``, ``" pp"`` for a share's points, ``""``).
    mean_digits, diff_digits
        Decimals of the baseline's mean and of the paired differences.
    share
        The metric is a share, printed in percent (points for a difference).
    counted
        A count of what the plan did: the baseline's mean and each point's mean
        difference, no interval (lead 0 does nothing, so there is none to draw).
    """

    label: str
    metric: str
    unit: str = ""
    mean_digits: int = 1
    diff_digits: int = 2
    share: bool = False
    counted: bool = False


#: The table's rows, in order (the first eight are over the warned area's incidents).
ROWS = (
    Row("first team within 10 min", "warning_compliance_arrival", " pp", share=True),
    Row("call taken → first arrival, mean", "warning_arrival_mean", " min", 0, 1),
    Row("call taking, mean", "warning_call_taking_mean", " min", 3, 4),
    Row("call taken → supplies in, mean", "warning_supply_delivery_mean", " min", 1, 2),
    Row("incidents left short of supplies", "warning_supply_short_incidents"),
    Row("teams staged", "warning_teams_staged", counted=True),
    Row("supply units pushed down", "warning_stock_units", counted=True),
    Row("duty officers added", "warning_officers_added", counted=True),
    Row("*whole county:* first team within 10 min", "compliance_arrival", " pp", share=True),
)


@dataclass(frozen=True)
class Results:
    """What the experiment's analysis says, by design point.

    Attributes
    ----------
    leads
        The lead time of each point, in point order (the baseline, lead 0, first).
    means
        ``(point, metric) -> mean over replications``.
    paired
        ``(point, metric) -> (difference, ci_low, ci_high)`` against the baseline.
    """

    leads: tuple[str, ...]
    means: dict[tuple[int, str], float]
    paired: dict[tuple[int, str], tuple[float, float, float]]


def read_results(points: Sequence[dict[str, str]], paired: Sequence[dict[str, str]]) -> Results:
    """The figures of ``analysis/points.csv`` and ``analysis/paired.csv`` (rows as dicts)."""
    labels = {int(r["point"]): r["label"] for r in points}
    # A point's label is "warnings.lead_h=6": the lead time is after the "=".
    leads = tuple(labels[p].rpartition("=")[2] for p in sorted(labels))
    means = {(int(r["point"]), r["metric"]): float(r["mean"]) for r in points}
    diffs = {
        (int(r["point"]), r["metric"]): (float(r["diff"]), float(r["ci_low"]), float(r["ci_high"]))
        for r in paired
    }
    return Results(leads, means, diffs)


def _results(runs: Runs) -> Results:
    run = runs[WARNING_LEAD.name]
    return read_results(
        read_rows(run.path("wl", "analysis", "points.csv")),
        read_rows(run.path("wl", "analysis", "paired.csv")),
    )


def _counted(x: float) -> str:
    """A count of what the plan did: ``1.9``, ``2``, ``60,928``."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{round(x, 1):g}"


def _cells(row: Row, res: Results) -> list[str]:
    scale = 100.0 if row.share else 1.0
    base = scale * res.means[(0, row.metric)]
    if row.counted:
        cells = [_counted(base)]
        cells += [_counted(res.paired[(p, row.metric)][0]) for p in range(1, len(res.leads))]
        return cells
    cells = [f"{base:.{row.mean_digits}f}" + (" %" if row.share else row.unit)]
    for p in range(1, len(res.leads)):
        d, lo, hi = (scale * v for v in res.paired[(p, row.metric)])
        k = row.diff_digits
        cells.append(minus(f"{d:+.{k}f}{row.unit} [{lo:+.{k}f}, {hi:+.{k}f}]"))
    return cells


def table(res: Results) -> str:
    """The Markdown table: the baseline's mean and each lead time's paired difference."""
    heads = [f"lead {res.leads[0]} (mean)"]
    heads += [minus(f"{lead} h - {res.leads[0]}") for lead in res.leads[1:]]
    lines = ["| warned area | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
    for row in ROWS:
        lines.append(f"| {row.label} | " + " | ".join(_cells(row, res)) + " |")
    return "\n".join(lines)


def _more(x: float) -> str:
    return f"{abs(x):.2f} {'more' if x >= 0 else 'fewer'}"


def short_sentence(res: Results) -> str:
    """The sentence on the incidents left short of supplies, against lead 0."""
    d = [res.paired[(p, "warning_supply_short_incidents")][0] for p in range(len(res.leads))]
    first = f"With {res.leads[1]} h of lead {_more(d[1])} incidents per run are left short"
    later = zip(res.leads[2:], d[2:], strict=True)
    rest = "".join(f", with {lead} h {_more(x)}" for lead, x in later)
    return minus(f"{first}\nof supplies{rest}")


def incidents_span(res: Results) -> str:
    """How many incidents per run the warned area has (the same at every lead time)."""
    return f"about {res.means[(0, 'warning_incidents')]:.0f} incidents per run"


def wait_span(res: Results) -> str:
    """The warned area's mean wait for a first team at lead 0, in hours."""
    return f"about {res.means[(0, 'warning_arrival_mean')] / 60:.0f} h"


def _from_runs(f: Callable[[Results], str]) -> Callable[[Runs], str]:
    return lambda runs: f(_results(runs))


def blocks() -> list[Block]:
    """The generated regions of this module."""
    doc = "docs/simulation.md"
    return [
        Block("warning-lead-table", doc, (WARNING_LEAD,), _from_runs(table)),
        Block("warning-lead-short", doc, (WARNING_LEAD,), _from_runs(short_sentence)),
        Block("warning-lead-incidents", doc, (WARNING_LEAD,), _from_runs(incidents_span)),
        Block("warning-lead-wait", doc, (WARNING_LEAD,), _from_runs(wait_span)),
    ]
