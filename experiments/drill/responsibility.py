"""Who answers for a shortfall: the work group of the command post, and its indicator."""

from __future__ import annotations

from collections.abc import Sequence

from experiments.drill.gbt_indicators import Indicator
from scenarios.drill.workgroups import CommandPost

#: Work groups answerable for what an indicator tests, most fitting first (keys of the
#: command post's groups; ``force:`` tests go to the force's own group). Design choices
#: after the duties of :data:`scenarios.drill.workgroups.DEFAULT_GROUPS`.
RESPONSIBLE: dict[str, tuple[str, ...]] = {
    "standard:call_taking": ("coordination",),
    "standard:arrival": ("rescue",),
    "standard:control": ("rescue",),
    "standard:safety_first": ("rescue",),
    "standard:muster": ("rescue",),
    "standard:command_post": ("coordination",),
    "standard:video": ("coordination", "logistics"),
    "standard:report_template": ("coordination",),
    "standard:report_accuracy": ("coordination",),
    "report": ("coordination",),
    "inject:cascade": ("rescue", "experts"),
    "inject:escalation": ("coordination",),
    "inject:road_closed": ("traffic", "security", "logistics"),
    "inject:depot_short": ("logistics",),
    "inject:casualty_update": ("medical",),
    "inject:media_enquiry": ("media",),
    "plan:response_levels": ("coordination",),
    "plan:workgroups": ("coordination",),
    "plan:forces": ("coordination", "rescue"),
    "plan:procedures": ("coordination",),
    "plan:security": ("security",),
    "plan:medical": ("medical",),
    "plan:logistics": ("logistics",),
    "plan:communications": ("logistics",),
    "plan:media": ("media",),
}


def responsible_group(test: str, post: CommandPost, *, position: str = "") -> str:
    """The key of the work group answerable for what ``test`` tests (``""``: the post has none).

    The first of :data:`RESPONSIBLE` the command post has; a ``force:`` test goes to
    the group that force joins; else the first group observed at ``position``,
    else the post's first group.
    """
    what, _sep, key = test.partition(":")
    keys = [g.key for g in post.groups]
    if what == "force":
        for f in post.forces:
            if f.kind == key and f.group in keys:
                return f.group
    for k in RESPONSIBLE.get(test, RESPONSIBLE.get(what, ())):
        if k in keys:
            return k
    at = [g.key for g in post.groups if g.position == position]
    return (at or keys or [""])[0]


def _indicator_test(ind: Indicator, post: CommandPost) -> str:
    """The test of an indicator a shortfall is filed under (its first that names a group)."""
    for t in ind.tests:
        what = t.partition(":")[0]
        if t in RESPONSIBLE or what in ("force", "report"):
            return t
    return ind.tests[0]


def _report_indicator(table: Sequence[Indicator], kind: str) -> str:
    """The indicator a report's blank fields count against.

    The first report's completeness for a first report, the follow-up indicator for a
    follow-up or final report.
    """
    test = (
        "standard:report_template"
        if kind in ("phone_first", "written_first")
        else (f"report:{kind}")
    )
    return next((i.id for i in table if test in i.tests), "")
