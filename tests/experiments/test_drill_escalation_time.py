"""Rules /9: an escalation comes while the plan's teams work, not after the plan's control."""

from __future__ import annotations

from experiments.drill.benchmark import benchmark_timeline
from scenarios.catalogue import load_catalogue
from scenarios.drill import DrillDrawer, DrillSpec
from scenarios.drill.drawing_rules import ESCALATION_TIME_RULES, version_name
from tests.scenarios.test_drill_draw import WINDOW, county_facilities, draws


def _escalations(county, rules: int, kinds: tuple[str, ...] = ("escalation",)):
    units, stores = county_facilities(county)
    catalogue = load_catalogue()
    spec = DrillSpec.from_dict({"drill": {**WINDOW, "grades": [2, 3, 4], "injects": list(kinds)}})
    d = DrillDrawer(spec, county, catalogue, units=units, stores=stores)
    for s in draws(d, 60, rules=version_name(rules)):
        esc = next(i for i in s.injects if i.kind == "escalation")
        rows = benchmark_timeline(
            s, county, catalogue, units=d.units, stores=stores,
            call_taking_min=s.evaluation["targets"]["call_taking"], rules=rules,
        )  # fmt: skip
        at = {r["event"]: r["at_min"] for r in rows}
        first = at["First team on scene"]
        # A road closure holds up the unit it re-routes: the benchmark gives by how much the
        # first arrival of all comes later (printed to the tenth, as ``first``).
        for r in rows:
            if r["event"].endswith("first team re-routed"):
                first += r["texts"]["detail"]["args"]["first_delay"]
        yield s, esc.offset_min, first, at.get("Under control (plan)")


def test_an_escalation_comes_after_the_first_team_and_before_the_plans_control(county):
    seen = moved = 0
    for s, offset, first, control in _escalations(county, ESCALATION_TIME_RULES):
        seen += 1
        assert offset >= first, s.scene  # the field team leader is on scene
        if control is not None:
            assert offset < control, s.scene
        moved += offset < 20  # a quick incident: before its control, not in minutes 20-45
        # The old window where the first team's arrival and its work leave a minute of it.
        work = load_catalogue()[s.scene.hazard].control_work(s.scene.grade).mean
        if min(first + work, 45) - max(first, 20) >= 1.05:
            assert 20 <= offset < 45
    assert seen == 60 and moved > 0


def test_earlier_rules_drew_it_in_minutes_20_to_45_even_after_control(county):
    after = 0
    for _s, offset, _first, control in _escalations(county, ESCALATION_TIME_RULES - 1):
        assert 20 <= offset < 45
        after += control is not None and offset >= control
    assert after > 0  # what /9 fixes happened under /8


def test_the_window_falls_back_to_minutes_20_to_45_beyond_the_drills_three_hours():
    from types import SimpleNamespace

    from scenarios.drill.injects import MAX_OFFSET_MIN, _escalation_window

    def window(eta: float, work: float) -> tuple[float, float]:
        hazard = SimpleNamespace(
            teams=(("fire", (4, 3, 2, 1)),),
            control_work=lambda g: SimpleNamespace(mean=work),
        )
        unit = SimpleNamespace(name="u")
        ctx = SimpleNamespace(hazard=hazard, grade=3, call_taking_min=1.0, kinds=(),
                              nearest_units=lambda c: [(eta, unit)])  # fmt: skip
        return _escalation_window(ctx)

    assert window(200.0, 60.0) == (20.0, 45.0)  # no team within the first three hours
    assert window(178.0, 60.0) == (179.0, MAX_OFFSET_MIN)  # up to the three hours, no further
    assert window(178.95, 60.0) == (20.0, 45.0)  # arriving within their last tenth of a minute
    assert window(30.0, 60.0) == (31.0, 45.0)  # after the first team, in 20-45
    assert window(5.0, 10.0) == (6.0, 16.0)  # before control: no room in 20-45


def test_an_escalation_waits_for_the_first_team_held_up_by_the_scripts_road_closure(county):
    seen = held = 0
    for s, offset, first, control in _escalations(
        county, ESCALATION_TIME_RULES, ("escalation", "road_closed")
    ):
        seen += 1
        # Both rows are printed to the tenth: the bound may round a tenth above the draw's.
        assert offset >= round(first - 0.1, 1), s.scene
        if control is None:
            continue
        # The plan's control is on the open roads: the escalation comes before it, unless
        # the detour leaves no time; then just after the first team arrives.
        if first + 0.2 < control:
            assert offset < control, s.scene
        else:
            assert offset <= first + 0.2, s.scene
        held += any(i.kind == "road_closed" for i in s.injects) and offset < 20
    assert seen == 60 and held > 0  # quick incidents with a closure, drawn before minute 20
