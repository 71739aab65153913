"""Casualty figures of a drill: each hazard's grade bands, and the casualty-update inject.

The catalogue gives, for each hazard, the figures that set its grades I-IV
after the national plan or regulation cited above it in ``hazards.toml``:
``deaths`` and ``seriously_injured`` (inclusive ranges by grade, ``[]`` where
the count does not set the grade) and ``deaths_include_missing``.
:func:`grade_band` turns them into the figures a casualty update at a grade
must keep to:

* deaths inside the grade's range; dead + missing inside it where the
  standard counts the missing with the dead;
* the injured an update states stay below the seriously injured of every
  graver grade, and within the grade's own range.

A grade's figures are read as the plans read them: meeting any one criterion of
a grade puts the event there, so a grade's figures also stay below every graver
grade's thresholds. A grade the deaths do not set (a mass gathering of grade
III, any epidemic) keeps yingji's earlier bands (:data:`DEAD_BY_GRADE`),
narrowed to lie below the graver grades and not under the milder ones. A band
open above (grade I: ``[300, inf]``) is drawn up to half as much again (300-450).

A catalogue hazard without ``deaths`` (a user's catalogue written before the
key existed) has its bands read, as they were before, from its English
``meaning`` sentences by :func:`criteria` (deprecated: a reworded sentence
changes the figures; loading such a catalogue says so):

* deaths: ``">=300 dead (incl. missing)"``, ``"10-29 dead or missing"``,
  ``"fewer than 3 dead"``, ``"<10 dead"``, ``"10 or more dead"``,
  ``"up to 4 dead"``, ``"any death"``, ``"no deaths"``; meanings that count
  the missing with the dead ("incl. missing", "dead or missing") state
  dead + missing inside the band;
* the seriously injured (``"50-99 seriously injured"``, ``">=100 poisoned or
  seriously injured"``).

Drawing rules /4 (:mod:`scenarios.drill.drawing_rules`) drew every hazard's
figures from :data:`DEAD_BY_GRADE`; :func:`casualty_update` keeps that for
scripts of those rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from networks.i18n import N_
from scenarios.catalogue import HazardSpec
from scenarios.drill import texts
from scenarios.drill.drawing_rules import PLAIN_RULES
from scenarios.drill.inject_context import (
    CAPABILITY,
    RADIO,
    InjectContext,
    draw_offset,
    make_inject,
)
from scenarios.drill.script import Inject

#: Dead by grade I-IV (inclusive ranges): every hazard's under rules /4, and the
#: fallback of a grade whose meaning states no deaths.
DEAD_BY_GRADE = {1: (30, 45), 2: (10, 29), 3: (3, 9), 4: (0, 2)}

_N = r"(\d{1,3}(?:,\d{3})+|\d+)"
_DEAD = r"(?:dead|deaths?)\b"
_HURT = r"(?:poisoned or )?seriously injured\b"
#: How the meanings bound a count: pattern before the noun -> (lo, hi) from its numbers.
_FORMS = (
    (r"(?:>=|≥|at least )\s*{n}\s+", lambda a: (a, None)),
    (r"{n}\s*(?:-|–|to )\s*{n}\s+", lambda a, b: (a, b)),
    (r"(?:<|fewer than |less than )\s*{n}\s+", lambda a: (0, a - 1)),
    (r"{n} or more\s+", lambda a: (a, None)),
    (r"(?:more than |over )\s*{n}\s+", lambda a: (a + 1, None)),
    (r"up to\s+{n}\s+", lambda a: (0, a)),
)
_WITH_MISSING = re.compile(r"dead\s*(?:\((?:incl\.?|including) missing\)|or missing)", re.I)

Range = tuple[int, int | None]


@dataclass(frozen=True)
class GradeBand:
    """The figures a casualty update of one hazard at one grade keeps to.

    Attributes
    ----------
    dead
        ``(lo, hi)``: deaths stated, inclusive (dead + missing where
        ``with_missing``); ``hi`` is None for a band open above.
    draw_hi
        The most deaths drawn (``hi``, or half as much again as ``lo`` when open).
    with_missing
        The hazard's meanings count the missing with the dead.
    injured_max
        Most injured stated (below every graver grade's seriously injured), or None.
    """

    dead: Range
    draw_hi: int
    with_missing: bool
    injured_max: int | None

    def holds(self, dead: int, injured: int, missing: int) -> bool:
        """Whether figures lie inside this band."""
        lo, hi = self.dead
        total = dead + missing if self.with_missing else dead
        return (
            dead >= lo
            and (hi is None or total <= hi)
            and (self.injured_max is None or injured <= self.injured_max)
        )


def _number(s: str) -> int:
    return int(s.replace(",", ""))


def criteria(meaning: str, noun: str = "dead") -> list[Range]:
    """The bounds one grade's meaning puts on deaths (``noun="dead"``) or the seriously injured.

    Each criterion is ``(lo, hi)``, inclusive, ``hi`` None when open above.
    """
    pattern = _DEAD if noun == "dead" else _HURT
    out: list[Range] = []
    for form, bounds in _FORMS:
        rx = re.compile(form.format(n=_N) + pattern, re.I)
        out += [bounds(*(_number(g) for g in m.groups())) for m in rx.finditer(meaning)]
    if noun == "dead":
        out += [(1, None)] * len(re.findall(r"\bany death\b", meaning, re.I))
        out += [(0, 0)] * len(re.findall(r"\bno deaths?\b", meaning, re.I))
    return out


def _own(crit: Sequence[Range]) -> Range | None:
    """A grade's own band: what meets all its criteria (None if it states none)."""
    if not crit:
        return None
    his = [hi for _, hi in crit if hi is not None]
    return max(lo for lo, _ in crit), (min(his) if his else None)


def _threshold(crit: Sequence[Range]) -> int | None:
    """The fewest that meet a grade by one criterion ("fewer than 3" meets nothing)."""
    los = [lo for lo, _ in crit if lo > 0]
    return min(los) if los else None


def _cap(thresholds: Sequence[int | None]) -> int | None:
    """One below the lowest threshold of the graver grades (None if they set none)."""
    known = [t for t in thresholds if t is not None]
    return min(known) - 1 if known else None


def _fallback(grade: int, floor: int, cap: int | None) -> Range:
    """The earlier band (:data:`DEAD_BY_GRADE`) of ``grade``, kept in ``[floor, cap]``."""
    lo, hi = DEAD_BY_GRADE[grade]
    hi_: int | None = None if grade == 1 else hi  # grade I: 30 or more
    lo = max(lo, floor)
    if cap is not None:
        hi_ = cap if hi_ is None else min(hi_, cap)
    if hi_ is not None and lo > hi_:
        return floor, cap
    return lo, hi_


Criteria = tuple[tuple[Range, ...], ...]


@functools.cache
def _resolve(dead: Criteria, hurt: Criteria, with_missing: bool) -> tuple[GradeBand, ...]:
    """Grade bands from each grade's criteria on deaths and on the seriously injured."""
    own = [_own(c) for c in dead]
    out = []
    for g in range(1, 5):
        cap = _cap([_threshold(c) for c in dead[: g - 1]])
        band = own[g - 1]
        if band is None:
            floor = max((b[0] for b in own[g:] if b is not None), default=0)
            lo, hi = _fallback(g, floor, cap)
        else:
            lo, hi = band
            if cap is not None and cap >= lo:  # a band running into a graver grade stops below it
                hi = cap if hi is None else min(hi, cap)
        # injured: below every graver grade's threshold, and within this grade's own bound
        hurt_own = _own(hurt[g - 1])
        hurt_caps = [_cap([_threshold(c) for c in hurt[: g - 1]]), hurt_own and hurt_own[1]]
        hurt_max = [x for x in hurt_caps if x is not None]
        out.append(
            GradeBand(
                dead=(lo, hi),
                draw_hi=hi if hi is not None else lo + max(lo // 2, 2),
                with_missing=with_missing,
                injured_max=min(hurt_max) if hurt_max else None,
            )
        )
    return tuple(out)


@functools.cache
def _from_meaning(meaning: tuple[str, ...]) -> tuple[GradeBand, ...]:
    """The bands as the ``meaning`` sentences state them (a catalogue without ``deaths``)."""
    return _resolve(
        tuple(tuple(criteria(m)) for m in meaning),
        tuple(tuple(criteria(m, "injured")) for m in meaning),
        any(_WITH_MISSING.search(m) for m in meaning),
    )


def _stated(bands: Sequence[Range | None]) -> Criteria:
    """One criterion per grade the bands set (none for ``[]``); four empty for no bands."""
    return tuple((b,) if b is not None else () for b in bands) if bands else ((),) * 4


def grade_band(hazard: HazardSpec, grade: int) -> GradeBand:
    """The casualty figures ``hazard`` states at ``grade`` (1-4), from its catalogue bands."""
    if hazard.deaths is None:
        return _from_meaning(tuple(hazard.meaning))[grade - 1]
    bands = _resolve(
        _stated(hazard.deaths), _stated(hazard.seriously_injured), hazard.deaths_include_missing
    )
    return bands[grade - 1]


def figures(ctx: InjectContext, grade: int) -> tuple[int, int, int]:
    """Dead, injured and missing for an update at ``grade``, by the context's drawing rules.

    The same draws in the same order under every rules (so the inject's offset,
    drawn next, does not change); later rules put them in the hazard's band.
    """
    band = grade_band(ctx.hazard, grade) if ctx.rules >= PLAIN_RULES else None
    if band is None:
        lo, hi = DEAD_BY_GRADE[grade]
        dead = int(ctx.rng.integers(lo, hi + 1))
    else:
        # One 32-bit draw whatever the band's width (a band of one value too), as /4's
        # draw from its table took: the draws after it, and so the time, stay as they were.
        u = int(ctx.rng.integers(0, 2**32))
        lo, hi = band.dead[0], band.draw_hi
        dead = lo + (u * (hi - lo + 1) >> 32)
    injured = int(dead * ctx.rng.uniform(1.5, 4.0) + ctx.rng.integers(1, 7))
    missing = int(ctx.rng.integers(0, 3 if grade >= 3 else 8))
    if band is None:
        return dead, injured, missing
    if band.with_missing and band.dead[1] is not None:  # the missing count in the band
        missing = min(missing, band.dead[1] - dead)
    if band.injured_max is not None:
        injured = min(injured, band.injured_max)
    return dead, injured, missing


def casualty_update(ctx: InjectContext, grade: int | None = None) -> Inject:
    """A new casualty count, inside the band of the (possibly escalated) grade.

    The follow-up it asks for is due within :meth:`InjectContext.follow_up_deadline`
    of the update (as the evaluation sheet times it), not by a deadline counted from
    the call, which may have passed before the update arrives.
    """
    g = grade or ctx.grade
    dead, injured, missing = figures(ctx, g)
    deadline = ctx.follow_up_deadline()
    return make_inject(
        kind="casualty_update",
        offset_min=draw_offset(ctx, 30.0, 75.0),
        sender=texts.term(N_("Medical team at the scene (simulated)")),
        recipient=texts.term(N_("Incident commander; command centre duty officer")),
        channel=texts.term(RADIO),
        message=texts.msg("casualty.message", dead=dead, injured=injured, missing=missing),
        expected_action=texts.msg("casualty.action_follow_up", deadline=deadline)
        if deadline
        else texts.msg("casualty.action"),
        capability=texts.term(CAPABILITY["casualty_update"]),
        truth={"dead": dead, "injured": injured, "missing": missing, "grade": g},
    )
