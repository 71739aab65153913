"""What each role receives after the reveal: alarm, inject timeline, evaluation sheet.

* participants: only the initial alarm, as CAP 1.2 XML (status ``Exercise``,
  the exercise id in ``<note>``) and as plain text;
* controllers: the inject timeline as CSV, Markdown and printable HTML;
* evaluators: by the drill's ``[evaluation] standard``, either the packet
  after GB/T 46792-2025 (the default: evaluation plan, indicator tables with
  weights and scoring rules, time standards, observation record sheets per
  position, indicator and time-standard CSVs;
  :mod:`experiments.drill.evaluation_gbt`) or the HSEEP sheet (Markdown and
  HTML) with targets, reporting deadlines and per-inject expected actions
  scored P/S/M/U; both with the benchmark timeline (also CSV) and a map.
  :func:`evaluator_files` gives the right files for a drill.

Every packet is written in the language in use (:mod:`networks.i18n`): the
script's text specs (:mod:`scenarios.drill.texts`) are rendered now, so the
same sealed script gives Chinese or English packets. Numbers, times, file
names and CSV column names are the same in both. The CSVs are machine files,
byte-identical in every language: English text (as the script records it)
with a ``<column>_zh`` companion column holding the Chinese. The Chinese CAP alert
carries a second ``<info>`` block in English after the Chinese one.

The packets live in :mod:`experiments.drill.alarm` (participants),
:mod:`experiments.drill.injects_packet` (controllers) and
:mod:`experiments.drill.evaluation_sheet` (evaluators), on the shared pieces of
:mod:`experiments.drill.packet_text` and :mod:`experiments.drill.packet_tables`;
this module gathers their public functions.
"""

from __future__ import annotations

from experiments.drill.alarm import CAP_NS, CAP_SENDER, alarm_text, cap_alert, disclosed_lines
from experiments.drill.evaluation_gbt import (
    evaluator_files,
    gbt_files,
    indicators_csv,
    time_standards_csv,
)
from experiments.drill.evaluation_sheet import (
    benchmark_csv,
    evaluation_html,
    evaluation_markdown,
)
from experiments.drill.gbt_documents import (
    gbt_html,
    gbt_markdown,
    observation_html,
    observation_markdown,
)
from experiments.drill.gbt_standards import scheme, time_standards
from experiments.drill.injects_packet import injects_csv, injects_html, injects_markdown
from experiments.drill.packet_tables import md_cell as _md_cell  # noqa: F401  (tests use it)

__all__ = [
    "CAP_NS",
    "CAP_SENDER",
    "alarm_text",
    "benchmark_csv",
    "cap_alert",
    "disclosed_lines",
    "evaluation_html",
    "evaluation_markdown",
    "evaluator_files",
    "gbt_files",
    "gbt_html",
    "gbt_markdown",
    "indicators_csv",
    "injects_csv",
    "injects_html",
    "injects_markdown",
    "observation_html",
    "observation_markdown",
    "scheme",
    "time_standards",
    "time_standards_csv",
]
