"""GB/T 46792 evaluation: the observation record sheets (观察记录表), one per evaluator position.

Each sheet lists the position's time standards, the injects it watches, its indicators
to rate, the work groups it observes and (at the reporting position) the first
reporters, as Markdown or printable HTML with every sheet on its own page.
"""

from __future__ import annotations

from experiments.drill.gbt_cells import (
    _indicator_cells,
    _indicator_header,
    _roles_rows,
    _ts_header,
    _ts_row,
    _yes,
)
from experiments.drill.gbt_indicators import _b, indicators
from experiments.drill.gbt_standards import (
    _WATCHED_BY,
    _applies,
    _inject_label,
    command_post,
    time_standards,
)
from experiments.drill.packet_doc import _Doc
from experiments.drill.packet_text import scene_html, scene_lines
from networks.i18n import _
from scenarios.drill import texts
from scenarios.drill.script import DrillScript
from scenarios.drill.workgroups import POSITION_POSTS, POSITIONS

__all__ = ["observation_html", "observation_markdown"]


def _sheets_doc(script: DrillScript) -> _Doc:
    post = command_post(script)
    rows = time_standards(script)
    table = indicators(script.drill_type)
    d = _Doc()
    d.p(_("Restricted: evaluators only. One sheet per position; times from one clock."))
    d.raw("\n".join(scene_lines(script)), scene_html(script))
    for k, pos in enumerate(POSITIONS):
        if k:
            d.page_break()
        mine = [i for i in table if i.position == pos]
        ids = {i.id for i in mine}
        d.h2(_("Observation record: {position}").format(position=_b(POSITIONS[pos])))
        d.p(
            _("Exercise {exercise}. Evaluator: ________  Stands at: {post}").format(
                exercise=script.exercise_id, post=_b(POSITION_POSTS[pos])
            )
        )
        timed = [r for r in rows if r.indicator in ids]
        if timed:
            d.h3(_("Time standards"))
            d.table(_ts_header(), [_ts_row(r) for r in timed])
        watched = [i for i in script.injects if _WATCHED_BY.get(i.kind) == pos]
        if watched:
            d.h3(_("Injects to watch"))
            d.table(
                [_("Inject"), _("Offset"), _("Expected action"), _("Done at (clock)"), _("Notes")],
                [
                    [
                        _inject_label(i.no, i.kind),
                        f"+{i.offset_min:g}",
                        texts.text(i, "expected_action"),
                        "",
                        "",
                    ]
                    for i in watched
                ],
            )
        d.h3(_("Indicators"))
        d.table(
            [
                *_indicator_header(),
                _("Applies?"),
                _("Observations"),
                _("Rating or minutes"),
                _("Score"),
            ],
            [
                [
                    *_indicator_cells(i),
                    _yes(_applies(i, script, rows)),
                    "",
                    "",
                    "",
                ]
                for i in mine
            ],
        )
        groups = [g for g in post.groups if g.position == pos]
        if groups:
            d.h3(_("Work groups"))
            d.table(*_roles_rows(script, post, groups))
        if pos == "reporting":
            first = [f for f in post.forces if f.first_reporter]
            if first:
                d.h3(_("First reporters"))
                d.table(
                    [_("Force"), _("First report at (clock)"), _("Verified how"), _("Notes")],
                    [[_b((f.name, f.name_zh)), "", "", ""] for f in first],
                )
        d.p(_("Signature: ________  Date: ________"))
    return d


def _sheets_title(script: DrillScript) -> str:
    return _("Observation records - EXERCISE {exercise}").format(exercise=script.exercise_id)


def observation_markdown(script: DrillScript) -> str:
    """The observation record sheets, one per evaluator position (Markdown)."""
    return _sheets_doc(script).markdown(_sheets_title(script))


def observation_html(script: DrillScript) -> str:
    """The observation record sheets, one per position, each on its own page (HTML)."""
    return _sheets_doc(script).html(_sheets_title(script))
