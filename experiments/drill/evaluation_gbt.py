"""The evaluators' packet after the structure of GB/T 46792-2025 (突发事件应急演练评估指南).

The national guide organises an evaluation as preparation (purpose and scope,
evaluation group, basis, content and methods, forms and plan, evaluator
training), conduct (observation and records, analysis, conclusions, report)
and follow-up; it has indicator sets for field (实战) and tabletop (桌面)
drills and converts observations into scores or into option conclusions.
This packet follows that structure; its wording, indicators, weights and
thresholds are yingji's own (documented below), not the standard's text:

* the **evaluation plan** (评估方案): purpose, scope, evaluation group,
  basis, methods; the indicator table of the drill's type with weights; the
  scoring rules; the time standards; the command post and its work groups;
  what each role learns when; the roles to record; the benchmark timeline;
* **observation record sheets** (观察记录表), one per evaluator position
  (指挥协调, 现场处置, 信息报送, 保障);
* machine CSVs of the indicators and the time standards (English columns
  with ``<column>_zh`` companions, byte-identical in every language).

Scoring rules (D.1-style, observations into scores). Every indicator has a
weight; the weights of a drill type sum to 100. An indicator is scored as a
share of its weight:

* ``rating`` indicators by the evaluator's rating, :data:`RATINGS`: A fully
  met 100 %, B minor gaps 80 %, C major gaps 50 %, D not met or not done 0 %;
* ``time`` indicators from the observed minutes against each of their time
  standards, :data:`TIME_STEPS`: within the target 100 %, within 1.5 times
  the target 50 %, later or not done 0 %; an indicator with several
  standards (e.g. phone and written first reports) takes the lowest.

An indicator whose every test is an inject this drill did not draw (or a
deadline the rules do not set for the grade) does not apply; the total is
rescaled to 100 over the indicators that apply. Option conclusions (D.2-style,
:func:`conclusion`): 优秀 (excellent) from 90 with no indicator at 0, 良好
(good) from 80, 合格 (pass) from 60, else 不合格 (fail); a veto item
(否决项: "avoid danger first, then rescue", 先避险、再抢险) rated D fails the
drill whatever the total. The thresholds follow the common 90/80/60 bands of
Chinese scoring sheets; the veto, the provincial rule of seed 001 that
responders must first be out of danger.

Indicator weights (field / tabletop): alarm and reporting 24 / 25, command
and coordination 26 / 35, on-scene operations 34 / 25, support 16 / 15. A
field drill tests what teams do on the ground, so timed arrival and control
weigh most; a tabletop drill tests decisions, so command weighs most and the
arrival and control times are judged from the benchmark timeline (the plan),
not a clock.

Texts of the tables are the bureaus' terms as pairs (English, Chinese), shown
with :func:`networks.i18n.both`; frame text goes through gettext.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

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
from experiments.drill.gbt_indicators import (
    CATEGORIES,
    CONCLUSIONS,
    FIELD_INDICATORS,
    INDICATORS_VERSION,
    RATINGS,
    STANDARDS,
    TABLETOP_INDICATORS,
    TIME_STEPS,
    Indicator,
    _b,
    conclusion,
    indicators,
    rating_share,
    time_share,
    total_score,
)
from experiments.drill.gbt_standards import (
    TimeStandard,
    _applies,
    _tests_text,
    command_post,
    scheme,
    time_standards,
)
from experiments.drill.observation_template import observations_template
from networks import i18n
from networks.files import csv_bytes
from scenarios.drill.script import DrillScript
from scenarios.drill.workgroups import (
    POSITIONS,
)


# ------------------------------------------------------------------ machine CSVs
def _in_both(fn: Callable[[], list[list[Any]]]) -> tuple[list[list[Any]], list[list[Any]]]:
    with i18n.language("en"):
        en = fn()
    with i18n.language("zh"):
        zh = fn()
    return en, zh


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


#: The packet's public names; the tables, time standards and documents live in
#: :mod:`experiments.drill.gbt_indicators`, :mod:`~experiments.drill.gbt_standards` and
#: :mod:`~experiments.drill.gbt_documents`.
__all__ = [
    "CATEGORIES", "CONCLUSIONS", "FIELD_INDICATORS", "INDICATORS_VERSION", "RATINGS",
    "STANDARDS", "TABLETOP_INDICATORS", "TIME_STEPS", "Indicator", "TimeStandard",
    "command_post", "conclusion", "evaluator_files", "gbt_files", "gbt_html", "gbt_markdown",
    "indicators", "indicators_csv", "observation_html", "observation_markdown", "rating_share",
    "scheme", "time_share", "time_standards", "time_standards_csv", "total_score",
]  # fmt: skip

_IND_TEXTS = ("category", "position", "indicator", "criterion", "tests")


def indicators_csv(script: DrillScript) -> str:
    """The indicator table of the drill as CSV, the same in every language.

    Columns ``id, drill_type, category_key, position_key, category, position,
    indicator, criterion, weight, rule, veto, tests, applies`` with
    ``<column>_zh`` companions of the text columns.
    """
    table = indicators(script.drill_type)
    rows = time_standards(script)

    def texts_of() -> list[list[Any]]:
        return [
            [
                _b(CATEGORIES[i.category]),
                _b(POSITIONS[i.position]),
                _b(i.name),
                _b(i.criterion),
                _tests_text(i, script),
            ]
            for i in table
        ]

    en, zh = _in_both(texts_of)
    header = [
        "id",
        "drill_type",
        "category_key",
        "position_key",
        *_IND_TEXTS[:4],
        "weight",
        "rule",
        "veto",
        "tests",
        "applies",
        *(f"{c}_zh" for c in _IND_TEXTS),
    ]
    out = [
        [
            i.id,
            script.drill_type,
            i.category,
            i.position,
            *e[:4],
            f"{i.weight:g}",
            i.rule,
            str(i.veto).lower(),
            e[4],
            str(_applies(i, script, rows)).lower(),
            *z,
        ]
        for i, e, z in zip(table, en, zh, strict=True)
    ]
    return _csv(header, out)


_TS_TEXTS = ("item", "start", "tests", "source")


def time_standards_csv(script: DrillScript) -> str:
    """The time standards as CSV, the same in every language.

    Columns ``id, ref, item, target_min, start, inject, tests, source,
    indicator, measure`` with ``<column>_zh`` companions of the text columns.
    """

    def rows() -> list[list[Any]]:
        return [
            [
                r.id,
                r.ref,
                r.item,
                r.target_min,
                r.start,
                r.inject,
                r.tests,
                r.source,
                r.indicator,
                r.measure,
            ]
            for r in time_standards(script)
        ]

    en, zh = _in_both(rows)
    header = [
        "id",
        "ref",
        "item",
        "target_min",
        "start",
        "inject",
        "tests",
        "source",
        "indicator",
        "measure",
        *(f"{c}_zh" for c in _TS_TEXTS),
    ]
    out = [
        [
            e[0],
            e[1],
            e[2],
            f"{e[3]:g}",
            e[4],
            "" if e[5] is None else e[5],
            e[6],
            e[7],
            e[8],
            e[9],
            z[2],
            z[4],
            z[6],
            z[7],
        ]
        for e, z in zip(en, zh, strict=True)
    ]
    return _csv(header, out)


# ------------------------------------------------------------------ the files
def gbt_files(script: DrillScript, map_file: str | None = "map.png") -> dict[str, bytes]:
    """The GB/T 46792 packet: relative path under ``evaluators/`` -> bytes."""
    return {
        "evaluation.md": gbt_markdown(script, map_file).encode(),
        "evaluation.html": gbt_html(script, map_file).encode(),
        "observation_sheets.md": observation_markdown(script).encode(),
        "observation_sheets.html": observation_html(script).encode(),
        "indicators.csv": csv_bytes(indicators_csv(script)),
        "time_standards.csv": csv_bytes(time_standards_csv(script)),
        # the observations file to fill in after the drill (yingji drill score reads it)
        "observations_template.csv": csv_bytes(observations_template(script)),
    }


def evaluator_files(script: DrillScript, map_file: str | None = "map.png") -> dict[str, bytes]:
    """Every text file of the evaluators' packet, by the drill's :func:`scheme`.

    ``gbt46792``: :func:`gbt_files`; ``hseep``: the P/S/M/U sheet
    (``evaluation.md``, ``evaluation.html``). Both add ``benchmark.csv``.
    Paths are relative to ``evaluators/``; the map (``map.png``) is drawn by
    the reveal.
    """
    if scheme(script) == "gbt46792":
        files = gbt_files(script, map_file)
    else:
        files = {
            "evaluation.md": evaluation_markdown(script, map_file).encode(),
            "evaluation.html": evaluation_html(script, map_file).encode(),
        }
    return {**files, "benchmark.csv": csv_bytes(benchmark_csv(script))}
