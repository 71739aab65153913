"""Canonical form, commitments, multi-party entropy and the drill spec."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from networks.errors import ConfigError
from scenarios.catalogue import load_catalogue
from scenarios.drill import (
    DrillSpec,
    SealError,
    canonical_json,
    combine,
    commitment,
    contribution_commitment,
    is_canonical,
    matches,
)
from scenarios.drill.spec import DEFAULT_RISK

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=6), st.randoms())
@settings(max_examples=60, deadline=None)
def test_canonical_json_ignores_key_order_and_round_trips(d, rnd):
    items = list(d.items())
    rnd.shuffle(items)
    b = canonical_json(d)
    assert canonical_json(dict(items)) == b
    assert is_canonical(b)
    assert canonical_json(json.loads(b)) == b


def test_canonical_form_is_strict():
    d = {"b": [1, 2.5, "é"], "a": {"y": None, "x": True}}
    assert canonical_json(d) == '{"a":{"x":true,"y":null},"b":[1,2.5,"é"]}'.encode()
    assert not is_canonical(json.dumps(d, indent=1).encode())
    assert not is_canonical(b"\xff")
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


@given(st.binary(min_size=1, max_size=200), st.data())
@settings(max_examples=60, deadline=None)
def test_commitment_opens_only_with_the_same_salt_and_bytes(script, data):
    salt = bytes(range(32))
    c = commitment(salt, script)
    assert matches(c, salt, script) and matches(c.upper(), salt, script)
    i = data.draw(st.integers(0, len(script) - 1))
    changed = bytearray(script)
    changed[i] ^= 1 << data.draw(st.integers(0, 7))
    assert not matches(c, salt, bytes(changed))
    assert not matches(c, bytes(reversed(salt)), script)
    assert not matches(c, salt[:16], script)


def test_combined_seed_needs_every_matching_contribution():
    contrib = {"alice": b"a" * 32, "bob": b"b" * 32, "chen": b"c" * 32}
    pub = {p: contribution_commitment(p, c) for p, c in contrib.items()}
    seed = combine(pub, contrib)
    assert len(seed) == 32
    assert combine(dict(reversed(pub.items())), dict(reversed(contrib.items()))) == seed
    # any single organiser's change moves the seed
    assert (
        combine(
            {**pub, "bob": contribution_commitment("bob", b"B" * 32)}, {**contrib, "bob": b"B" * 32}
        )
        != seed
    )
    with pytest.raises(SealError, match="bob does not match"):
        combine(pub, {**contrib, "bob": b"x" * 32})
    with pytest.raises(SealError, match="no contribution revealed by chen"):
        combine(pub, {k: v for k, v in contrib.items() if k != "chen"})
    with pytest.raises(SealError, match="no commitment"):
        combine(pub, {**contrib, "dave": b"d" * 32})
    # a commitment binds the name too: alice's bytes do not open bob's commitment
    assert contribution_commitment("alice", b"z" * 32) != contribution_commitment("bob", b"z" * 32)


BASE = {"drill": {"start": "2026-12-01T08:00", "end": "2026-12-02T08:00"}}


def test_spec_round_trips_and_defaults():
    spec = DrillSpec.from_dict(
        {
            "drill": {**BASE["drill"], "grades": ["III", 4], "hazards": ["flood"], "units": ["A"]},
            "reporting": {"first_phone": 20},
            "risk": {"flood": 2},
        },
        hazards=load_catalogue().keys,
    )
    assert spec.grades == (3, 4) and spec.start.utcoffset().total_seconds() == 8 * 3600
    assert dict(spec.reporting)["first_phone"] == (20, 20, 20, 20)
    assert spec.risk_of("flood") == 2 and spec.risk_of("earthquake") == DEFAULT_RISK["earthquake"]
    assert DrillSpec.from_dict(spec.to_dict()) == spec
    assert spec.window_minutes == 1440
    # The numerals Chinese documents print (Ⅱ, one character), with 级, and the grade names.
    zh = DrillSpec.from_dict({"drill": {**BASE["drill"], "grades": ["Ⅱ", "Ⅲ级", "一般", "I"]}})
    assert zh.grades == (1, 2, 3, 4)
    assert DrillSpec.from_dict({"drill": {**BASE["drill"], "grades": ["Ⅱ级"]}}).grades == (2,)


def test_risk_can_come_from_a_scenarios_background_rates():
    from scenarios.spec import load_scenario

    rates = load_scenario("typical_week").background.per_day()
    spec = DrillSpec.from_dict(
        {**BASE, "risk": {"scenario": "typical_week", "flood": 1.0}}, hazards=load_catalogue().keys
    )
    assert spec.risk_of("building_fire") == rates["building_fire"]
    assert spec.risk_of("flood") == 1.0
    assert spec.risk_of("typhoon") == rates.get("typhoon", 0.0)


@pytest.mark.parametrize(
    ("drill", "key"),
    [
        ({"end": "2026-11-30T08:00"}, "drill.end"),
        ({"grades": ["V"]}, "drill.grades"),
        ({"grades": [True]}, "drill.grades"),
        ({"grades": ["Ⅴ"]}, "drill.grades"),
        ({"hazards": ["alien_invasion"]}, "drill.hazards"),
        ({"injects": ["earthquake"]}, "drill.injects"),
        ({"type": "musical"}, "drill.type"),
        ({"blind": "triple"}, "drill.blind"),
        ({"timezone": "Mars"}, "drill.timezone"),
        ({"colour": "red"}, "drill.colour"),
        ({"no_repeat": -1}, "drill.no_repeat"),
        ({"hours": [18, 8]}, "drill.hours"),
        ({"hours": [8, 25]}, "drill.hours"),
        ({"hours": [8]}, "drill.hours"),
        ({"hours": [1, 2], "start": "2026-12-01T08:00", "end": "2026-12-01T20:00"}, "drill"),
    ],
)
def test_spec_errors_name_file_and_key(drill, key):
    with pytest.raises(ConfigError) as err:
        DrillSpec.from_dict(
            {"drill": {**BASE["drill"], **drill}}, source="d.toml", hazards=load_catalogue().keys
        )
    assert str(err.value).startswith(f"d.toml: {key}")


@pytest.mark.parametrize(
    ("tables", "key"),
    [
        ({"risk": {"alien_invasion": 1}}, "risk.alien_invasion"),
        ({"risk": {"flood": -1}}, "risk.flood"),
        ({"risk": {"scenario": "no_such_scenario"}}, "risk.scenario"),
        ({"reporting": {"first_phone": [15, 15, -1, 60]}}, "reporting.first_phone"),
        ({"reporting": {"first_phone": [15, 15]}}, "reporting.first_phone"),
        ({"targets": {"arrival": "soon"}}, "targets.arrival"),
        ({"evaluation": {"scale": "stars"}}, "evaluation.scale"),
    ],
)
def test_other_tables_errors_name_file_and_key(tables, key):
    with pytest.raises(ConfigError) as err:
        DrillSpec.from_dict({**BASE, **tables}, source="d.toml", hazards=load_catalogue().keys)
    assert str(err.value).startswith(f"d.toml: {key}")
