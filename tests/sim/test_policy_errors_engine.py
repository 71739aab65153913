"""A policy of one's own that fails while it runs: one ConfigError naming it, where and what.

The run is a hand trace: 0 - 1 - 2 - 3, a minute a link. The seat (node 0)
has two fire teams (teams 0 and 1) and a medical team (team 2), the town
(node 3) a fire team (team 3). Calls ring at node 1 at minutes 0, 1, 2, ...
and are taken a minute later; each wants one fire team for 100 minutes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from networks.errors import ConfigError
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.facilities import Station, TeamSpec
from sim.policies import NearestAvailable, SeverityPriority, policy_from_dict
from sim.policy_checks import CheckedPolicy
from sim.policy_import import policy_from_path
from tests.sim.helpers import road_network, stream_from

FIRE = Requirement("fire", 3, (("fire", 1),))
SOURCE = "run.toml"


class Nearest:
    """A user's policy: the nearest free team, first come first served."""

    name = "nearest"

    def queue_key(self, grade, call_taken):
        return call_taken

    def choose(self, view, node, cap, grade, since):
        return view.nearest(node, cap)

    def to_dict(self):
        return {"name": self.name}


class Answers(Nearest):
    """Answers ``make(nearest candidate)`` from the call taken at ``after`` minutes on."""

    def __init__(self, make, after=0.0):
        self.make, self.after = make, after

    def choose(self, view, node, cap, grade, since):
        c = view.nearest(node, cap)
        return c if since < self.after else self.make(c)


class Keys(Nearest):
    """Orders waiting requests by ``key(grade, call_taken)``."""

    def __init__(self, key):
        self.key = key

    def queue_key(self, grade, call_taken):
        return self.key(grade, call_taken)


class Describes(Nearest):
    """Describes itself by ``describe()``."""

    def __init__(self, describe):
        self.describe = describe

    def to_dict(self):
        return self.describe()


class Rechecks(Nearest):
    def __init__(self, after):
        self.recheck_after = after


class Broken(Nearest):
    def __init__(self):
        raise RuntimeError("cannot read my table")


def _oops(*_args):
    raise RuntimeError("oops")


def run(policy, calls: int = 4):
    """The hand trace with ``calls`` calls under ``policy``."""
    net = road_network(4, [(0, 1, 60), (1, 2, 60), (2, 3, 60)])
    turnout = Fixed(0.0)
    seat = (TeamSpec("fire", 6, count=2, turnout=turnout), TeamSpec("medical", 4, turnout=turnout))
    stations = [
        Station("Seat Station", 0, "city", seat, area="County Seat"),
        Station("Town Station", 3, "city", (TeamSpec("fire", 6, turnout=turnout),)),
    ]
    s = stream_from([float(k) for k in range(calls)], [1] * calls, requirements=[FIRE],
                    control=[100.0] * calls)  # fmt: skip
    return sim.run(net, stations, (), s, rng=np.random.default_rng(0), policy=policy,
                   call_taking=Fixed(1.0), horizon=300.0)  # fmt: skip


def user(factory, **kwargs):
    """The policy a config naming ``factory`` (with ``kwargs``) gets."""
    return policy_from_path({"name": factory, **kwargs}, source=SOURCE)


def refusal(policy, calls: int = 4) -> str:
    with pytest.raises(ConfigError) as err:
        run(policy, calls)
    text = str(err.value)
    assert "\n" not in text and text.startswith(f"{SOURCE}: policy.name: "), text
    assert err.value.key == "policy.name"
    assert "Answers" in text or "Keys" in text or "Describes" in text, text
    assert "test_policy_errors_engine.py" in text, text  # the file the policy is in
    return text


def _where(minute: float) -> str:
    """The context of a ``choose`` asked for a fire team for the call taken at ``minute``."""
    return (
        f"(at minute {minute:.1f} of the run, for a firefighting team to the incident at node 1 "
        f"whose call was taken at minute {minute:.1f})"
    )


@pytest.mark.parametrize(
    ("make", "after", "says"),
    [
        (lambda c: _oops(), 2.0, "choose failed: RuntimeError: oops"),
        # Team 0 went to the first call: it is busy at the second.
        (lambda c: (0, c[1], c[2], c[3]), 0.0, "choose picked team 0, which is not free now"),
        (lambda c: (2, c[1], c[2], c[3]), 2.0, "choose picked team 2, which is a medical team"),
        (lambda c: (4, c[1], c[2], c[3]), 2.0, "team 4, which is not a team of this run (they "
                                               "are numbered 0 to 3)"),
        (lambda c: (-1, c[1], c[2], c[3]), 2.0, "team -1, which is not a team of this run"),
        (lambda c: (True, c[1], c[2], c[3]), 2.0, "team True, which is not a team of this run"),
        (lambda c: 3, 2.0, "choose returned 3, not (team, travel_seconds, from_node, from_scene)"),
        (lambda c: c[:2], 2.0, "choose returned (1, 60.0), not (team, travel_seconds"),
        (lambda c: (c[0], math.nan, c[2], c[3]), 2.0, "a travel time of nan seconds, not a finite"),
        (lambda c: (c[0], -5.0, c[2], c[3]), 2.0, "a travel time of -5.0 seconds, not a finite"),
        (lambda c: (c[0], math.inf, c[2], c[3]), 2.0, "a travel time of inf seconds, not a finite"),
        (lambda c: (c[0], "60", c[2], c[3]), 2.0, "a travel time of '60' seconds"),
        (lambda c: (c[0], c[1], 4, c[3]), 2.0, "the starting node 4, which is not a node of the "
                                               "network (0 to 3)"),
        (lambda c: (c[0], c[1], c[2], "no"), 2.0, "from_scene = 'no', not True or False"),
    ],
    ids=["raises", "busy", "capability", "past_last", "negative", "bool", "not_tuple", "pair",
         "nan", "negative_time", "inf", "str_time", "node", "from_scene"],
)  # fmt: skip
def test_choose_failing_or_answering_what_the_engine_cannot_use_is_refused(make, after, says):
    text = refusal(user(Answers, make=make, after=after))
    # Named where it happened: the second call, taken at minute 2 (team 1 is the nearest then).
    assert f"{says}" in text and text.endswith(_where(2.0)), text


@pytest.mark.parametrize(
    ("key", "says"),
    [
        (lambda g, t: _oops(), "queue_key failed: RuntimeError: oops"),
        (
            lambda g, t: {"t": t},
            "queue_key returned {'t': 4.0}, which cannot be ordered (TypeError",
        ),
        (lambda g, t: math.nan, "queue_key returned nan, which cannot be ordered (nan)"),
        # Keys of two types: heapq could not compare them.
        (
            lambda g, t: t if t < 4.5 else str(t),
            "queue_key returned '5.0', which cannot be ordered",
        ),
    ],
    ids=["raises", "dict", "nan", "mixed"],
)
def test_a_queue_key_that_fails_or_cannot_be_ordered_is_refused(key, says):
    # Three fire teams: the fourth call (taken at minute 4) is the first to wait.
    text = refusal(user(Keys, key=key), calls=6)
    assert says in text, text
    assert "(for an incident of grade III (larger) whose call was taken at minute" in text


@pytest.mark.parametrize(
    ("describe", "says"),
    [(_oops, "to_dict failed: RuntimeError: oops"),
     (lambda: ["nearest"], "to_dict returned ['nearest'], not a table (dict)")],
    ids=["raises", "list"],
)  # fmt: skip
def test_a_description_that_fails_is_refused(describe, says):
    assert refusal(user(Describes, describe=describe)).endswith(says)


@pytest.mark.parametrize("after", [-1.0, math.nan, "soon", True])
def test_a_recheck_after_that_is_not_minutes_is_refused_when_built(after):
    with pytest.raises(ConfigError, match="recheck_after is .*, not a number of minutes >= 0"):
        user(Rechecks, after=after)


def test_a_constructor_raising_anything_is_refused_in_one_line():
    with pytest.raises(ConfigError) as err:
        user(Broken)
    text = str(err.value)
    assert err.value.key == "policy" and "\n" not in text
    assert "Broken (" in text and "test_policy_errors_engine.py" in text
    assert text.endswith("failed: RuntimeError: cannot read my table")


def test_a_good_policy_of_ones_own_runs_as_the_builtin_even_with_numpy_answers():
    def numpy_types(c):
        return (
            None
            if c is None
            else (np.int64(c[0]), np.float64(c[1]), np.int64(c[2]), np.bool_(c[3]))
        )

    mine = user(Answers, make=numpy_types)
    assert isinstance(mine, CheckedPolicy) and isinstance(mine.policy, Answers)
    a, b = run(mine, calls=6), run(NearestAvailable(), calls=6)
    assert len(a.dispatches["team"]) == 6 and a.equals(b)
    assert a.meta["policy"] == {"name": "nearest"}


def test_shipped_policies_are_not_wrapped_so_they_cost_nothing_extra():
    for data in ({"name": "nearest_available"}, {"name": "sim.policies:NearestAvailable"}):
        assert type(policy_from_dict(data)) is NearestAvailable
    shipped = policy_from_dict({"name": "sim.policies:SeverityPriority", "reserve": 0})
    assert type(shipped) is SeverityPriority
