"""A user's dispatch policy, checked at run time: its failures as one line naming it.

:func:`sim.policy_import.policy_from_path` wraps each policy it builds that is
not a shipped one in a :class:`CheckedPolicy`, once per run. Every answer the
user's code gives passes through it before the engine uses it: a ``choose``
that raises, or returns a team that is busy, of another capability or not one
of the run's, or a negative or nan travel time, would otherwise end in a
traceback deep inside the engine that never names the policy, or (nan) in
records that look plausible and are wrong. The shipped policies are used as
they are, so the engine's hot path (:meth:`sim.dispatch.Dispatch._call_taken`)
costs the same as before.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from typing import Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from sim.fleet import HOME, RETURNING
from sim.policies import Candidate, DispatchView

#: Team states a policy may choose from: at its post, or dispatchable on its way back.
_FREE = (HOME, RETURNING)
#: Short reprs of what the user's code returned (a message stays one readable line).
_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 60
#: No queue key seen yet.
_UNSET = object()
_INF = math.inf


class PolicyError(ConfigError):
    """A policy of the user's failed while it ran (a :class:`ConfigError` of ``policy.name``).

    Its own class so that what runs replications can say which one failed
    (:func:`experiments.replicate_parallel.run_paired`).
    """


def one_line(exc: BaseException) -> str:
    """An exception as one line of text (a SyntaxError names its file and line)."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _is_index(value: Any) -> bool:
    """A whole number that is not a bool (numpy integers too)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def _is_number(value: Any) -> bool:
    """A real number that is not a bool (numpy floats too)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def candidate_problem(view: Any, cand: Any, capability: int) -> tuple[str, dict[str, Any]] | None:
    """What is wrong with ``cand`` as ``choose``'s answer for ``capability``, if anything.

    Parameters
    ----------
    view
        The engine (:class:`sim.fleet.Fleet`: its team lists and network).
    cand
        What ``choose`` returned (not ``None``).
    capability
        Index of the capability asked for.

    Returns
    -------
    tuple or None
        A translated message with a ``{where}`` placeholder and its other values;
        ``None`` when the engine can use ``cand``: ``(team, travel_seconds,
        from_node, from_scene)`` with a free team of ``capability``, a finite
        time >= 0, a node of the network and a bool.
    """
    if not isinstance(cand, tuple | list) or len(cand) != 4:
        return _(
            "choose returned {value}, not (team, travel_seconds, from_node, from_scene) "
            "or None ({where})"
        ), {"value": _SHOW.repr(cand)}
    team, sec, from_node, from_scene = cand
    if not _is_index(team) or not 0 <= team < view.n_teams:
        return _(
            "choose picked team {team}, which is not a team of this run "
            "(they are numbered 0 to {last}) ({where})"
        ), {"team": _SHOW.repr(team), "last": view.n_teams - 1}
    if view.team_cap[team] != capability:
        from scenarios.terms import capability_name

        has = capability_name(view.capabilities[view.team_cap[team]])
        return _("choose picked team {team}, which is a {actual} team ({where})"), {
            "team": team, "actual": has,
        }  # fmt: skip
    if view.status[team] not in _FREE:
        return _("choose picked team {team}, which is not free now ({where})"), {"team": team}
    if not (_is_number(sec) and 0.0 <= sec < math.inf):  # also refuses nan
        return _(
            "choose gave team {team} a travel time of {value} seconds, "
            "not a finite number >= 0 ({where})"
        ), {"team": team, "value": _SHOW.repr(sec)}
    if not _is_index(from_node) or not 0 <= from_node < view.network.n_nodes:
        return _(
            "choose gave team {team} the starting node {value}, which is not a node of the "
            "network (0 to {last}) ({where})"
        ), {"team": team, "value": _SHOW.repr(from_node), "last": view.network.n_nodes - 1}
    if not isinstance(from_scene, bool | np.bool_):
        return _("choose gave team {team} from_scene = {value}, not True or False ({where})"), {
            "team": team, "value": _SHOW.repr(from_scene),
        }  # fmt: skip
    return None


def _unordered(key: Any, last: Any) -> str | None:
    """Why queue key ``key`` cannot be ordered against ``last`` (heapq compares them), or None."""
    try:
        if not key == key:  # nan compares false with everything: it would misorder the queue
            return "nan"
        bool(key < last)
    except Exception as exc:  # noqa: BLE001 - the comparison of the user's type
        return one_line(exc)
    return None


class CheckedPolicy:
    """A policy of the user's whose every answer is checked before the engine uses it.

    A ``choose``, ``queue_key`` or ``to_dict`` that raises, or returns what
    the engine cannot use (:func:`candidate_problem`; a queue key that cannot
    be ordered; a description that is not a dict), becomes a one-line
    :class:`~networks.errors.ConfigError` naming the policy and its file and,
    for ``choose``, the minute and the incident. The CLI prints it and exits 2.

    Parameters
    ----------
    policy
        What the user's class or factory made (it has the policy's members).
    label
        The import path and the module's file, to name in messages.
    source, key
        The config file and its key (``policy.name``).

    Raises
    ------
    networks.errors.ConfigError
        A ``recheck_after`` that is not a number of minutes >= 0.
    """

    def __init__(self, policy: Any, *, label: str, source: str | None, key: str) -> None:
        self.policy = policy
        self.name: str = policy.name
        self._choose = policy.choose
        self._queue_key = policy.queue_key
        self._label, self._source, self._key = label, source, key
        self._last_key: Any = _UNSET
        recheck = getattr(policy, "recheck_after", None)
        if recheck is not None and not (_is_number(recheck) and recheck >= 0):
            raise self._error(
                _("recheck_after is {value}, not a number of minutes >= 0").format(
                    value=_SHOW.repr(recheck)
                )
            )
        #: Minutes after call taken at which to ask again (the engine reads it once).
        self.recheck_after = recheck

    def _error(self, problem: str) -> PolicyError:
        """``problem`` as an error of the config's key, after the policy's name and file."""
        return PolicyError(f"{self._label}: {problem}", source=self._source, key=self._key)

    def choose(
        self, view: DispatchView, node: int, capability: int, grade: int, since: float
    ) -> Candidate | None:
        """The user's answer, once it is one the engine can use.

        Raises
        ------
        networks.errors.ConfigError
            When the user's ``choose`` raises or returns something unusable.
        """
        try:
            cand = self._choose(view, node, capability, grade, since)
        except Exception as exc:  # noqa: BLE001 - any failure of the user's code is theirs
            where = self._where(view, node, capability, since)
            raise self._error(
                _("choose failed: {error} ({where})").format(error=one_line(exc), where=where)
            ) from exc
        if cand is None:
            return None
        # Plain Python types, as view.nearest returns them, checked inline (most answers);
        # anything else (numpy numbers, a list, or a mistake) by candidate_problem.
        if type(cand) is tuple and len(cand) == 4:
            team, sec, from_node, from_scene = cand
            if (
                type(team) is int
                and 0 <= team < view.n_teams  # type: ignore[attr-defined]
                and view.team_cap[team] == capability  # type: ignore[attr-defined]
                and view.status[team] in _FREE  # type: ignore[attr-defined]
                and type(sec) is float
                and 0.0 <= sec < _INF
                and type(from_node) is int
                and 0 <= from_node < view.network.n_nodes  # type: ignore[attr-defined]
                and type(from_scene) is bool
            ):
                return cand
        bad = candidate_problem(view, cand, capability)
        if bad is not None:
            text, values = bad
            raise self._error(
                text.format(where=self._where(view, node, capability, since), **values)
            )
        return cand

    @staticmethod
    def _where(view: Any, node: int, capability: int, since: float) -> str:
        """When ``choose`` was asked, and for which incident."""
        from scenarios.terms import capability_name

        return _(
            "at minute {now} of the run, for a {capability} team to the incident at node "
            "{node} whose call was taken at minute {since}"
        ).format(
            now=f"{view.now:.1f}",
            capability=capability_name(view.capabilities[capability]),
            node=node,
            since=f"{since:.1f}",
        )

    def queue_key(self, grade: int, call_taken: float) -> Any:
        """The user's key, once it can be ordered against the keys before it.

        Raises
        ------
        networks.errors.ConfigError
            When the user's ``queue_key`` raises, or returns nan or a key that
            cannot be compared with the others.
        """
        cause: Exception | None = None
        try:
            key = self._queue_key(grade, call_taken)
        except Exception as exc:  # noqa: BLE001 - any failure of the user's code is theirs
            cause = exc
        else:
            why = _unordered(key, key if self._last_key is _UNSET else self._last_key)
            if why is None:
                self._last_key = key
                return key
        from scenarios.terms import grade_label

        where = _("for an incident of {grade} whose call was taken at minute {since}").format(
            grade=grade_label(grade), since=f"{call_taken:.1f}"
        )
        if cause is not None:
            problem = _("queue_key failed: {error} ({where})").format(
                error=one_line(cause), where=where
            )
        else:
            problem = _("queue_key returned {value}, which cannot be ordered ({error}) ({where})")
            problem = problem.format(value=_SHOW.repr(key), error=why, where=where)
        raise self._error(problem) from cause

    def to_dict(self) -> dict[str, Any]:
        """The user's description of the policy, once it is a dict.

        Raises
        ------
        networks.errors.ConfigError
            When the user's ``to_dict`` raises or returns something other than a dict.
        """
        try:
            out = self.policy.to_dict()
        except Exception as exc:  # noqa: BLE001 - any failure of the user's code is theirs
            raise self._error(_("to_dict failed: {error}").format(error=one_line(exc))) from exc
        if not isinstance(out, dict):
            raise self._error(
                _("to_dict returned {value}, not a table (dict)").format(value=_SHOW.repr(out))
            )
        return out
