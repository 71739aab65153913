"""Place texts of drills read naturally (drawing rules /5).

A secondary incident at the very spot of the first said "0 m from the first
scene", and a road named after its village was followed by the village
(老垅村老垅村路, "Huangtu Village 2 Road in Huangtu Village 2").
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from networks import i18n
from scenarios.catalogue import load_catalogue
from scenarios.drill import generator_from_seed, seed_from_int, texts
from scenarios.drill.drawing_rules import PLAIN_RULES
from scenarios.drill.injects import InjectContext, cascade
from scenarios.drill.sites import Namer

GAP = re.compile(r", (\d+) m from the first scene\. ")


@functools.cache
def county_namer():
    from networks import synthetic_county

    net = synthetic_county()
    xy = np.column_stack([net.nodes.x, net.nodes.y]).astype(float)
    return net, Namer(net), cKDTree(xy), xy


def road_in_nodes() -> list[int]:
    """Nodes the namer puts on a road inside a landmark ("X Road in Y")."""
    _, namer, _, _ = county_namer()
    return [
        n
        for n in range(county_namer()[0].n_nodes)
        if isinstance(s := namer.name(n, rules=4).spec, dict) and s.get("msg") == "place.road_in"
    ]


def zh(spec) -> str:
    with i18n.language("zh"):
        return texts.render(spec)


def test_a_road_named_after_its_village_is_not_followed_by_it():
    _, namer, _, _ = county_namer()
    named = 0
    for n in road_in_nodes():
        old, new = namer.name(n, rules=4), namer.name(n, rules=PLAIN_RULES)
        mark = old.spec["args"]["landmark"]
        if texts.names(old.road, old.landmark):
            named += 1
            assert old.text == f"{old.road} in {old.landmark}"  # the rules /4 record, as drawn
            assert new.text == old.road
        else:  # a road of another name keeps its landmark ("Xiba Road in Xiba Town")
            assert new.text == old.text
        # in Chinese the village's name stands once, whichever the English says
        village = texts.chinese(mark)
        assert village and zh(new.spec).count(village) == 1, zh(new.spec)
    assert named >= 50  # the county's villages name their roads: the case is common


@pytest.mark.parametrize(
    ("road", "landmark", "named"),
    [
        ("Huangtu Village 2 Road", "Huangtu Village 2", True),
        ("老垅村路", "老垅村", True),
        ("Xiba Village 12 Road", "Xiba Village 1", False),
        ("Xiba Road", "Xiba Town", False),
        ("东村路", "东村镇", False),
        ("Baiyun Road", "", False),
    ],
)
def test_a_road_names_a_landmark_only_by_its_whole_name(road, landmark, named):
    assert texts.names(road, landmark) is named


def cascade_context(hazard: str, node: int, seed: int, rules: int) -> InjectContext:
    net, namer, tree, xy = county_namer()
    cat = load_catalogue()

    def near(k: int, radius: float) -> np.ndarray:  # as the drawer finds nodes within reach
        if radius <= 0:
            return np.array([k])
        return np.sort(np.asarray(tree.query_ball_point(xy[k], radius), np.int64))

    return InjectContext(
        network=net,
        namer=namer,
        catalogue=cat,
        hazard=cat[hazard],
        grade=1,
        node=node,
        area="",
        place="",
        jurisdiction="",
        units=(),
        unit_times=np.zeros((0, net.n_nodes)),
        stores=(),
        store_order=(),
        near=near,
        reporting={},
        rng=generator_from_seed(seed_from_int(seed)),
        rules=rules,
    )


@given(
    hazard=st.sampled_from(["traffic_accident", "building_collapse", "building_fire"]),
    pick=st.integers(0, 2**31),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=150, deadline=None)
def test_a_secondary_incident_states_a_distance_only_when_it_is_elsewhere(hazard, pick, seed):
    net = county_namer()[0]
    node = pick % net.n_nodes
    inj = cascade(cascade_context(hazard, node, seed, PLAIN_RULES))
    old = cascade(cascade_context(hazard, node, seed, 4))
    assert inj.truth == {**old.truth, "place": inj.truth["place"]}  # same draw, same scene
    other = inj.truth["node"]
    gap = float(
        np.hypot(net.nodes.x[other] - net.nodes.x[node], net.nodes.y[other] - net.nodes.y[node])
    )
    m = GAP.search(inj.message)
    if round(gap) == 0:
        assert m is None and "Secondary incident at the first scene: " in inj.message
        assert ", 0 m from the first scene" in old.message  # rules /4 scripts re-draw as drawn
    else:
        assert m and int(m.group(1)) == round(gap) >= 1


def test_a_fire_after_a_collapse_is_at_the_first_scene():
    """The catalogue spreads a collapse's fire nowhere: it breaks out at the first scene."""
    _, namer, _, _ = county_namer()
    node = road_in_nodes()[0]
    inj = cascade(cascade_context("building_collapse", node, 3, PLAIN_RULES))
    here = namer.name(node, rules=PLAIN_RULES)
    assert inj.truth["node"] == node and inj.truth["place"] == here.text
    assert inj.message.startswith(
        f"THIS IS A DRILL. Secondary incident at the first scene: building fire at {here.text}. "
    )
    assert "m from the first scene" not in inj.message
