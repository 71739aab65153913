"""Road-closure labels: machine data in the records, words in the language in use on the map."""

from __future__ import annotations

import re

import numpy as np
import pytest

from experiments import webmap_layers as wl
from networks import i18n
from scenarios import generate_stream, load_scenario
from scenarios.catalogue import load_catalogue
from scenarios.closure_text import closure_text

LATIN = re.compile(r"[A-Za-z]")
#: The shipped scenarios with events that close or slow roads themselves.
EVENT_SCENARIOS = ("rainstorm_72h", "typhoon_landfall", "earthquake_m6", "chemical_leak")


@pytest.fixture(scope="module")
def streams(county):
    return {
        name: generate_stream(load_scenario(name), county, rng=np.random.default_rng(1))
        for name in EVENT_SCENARIOS
    }


def _made_labels(streams) -> set[str]:
    """Every label yingji makes: those of the streams and of the catalogue's road effects."""
    drawn = {d.disruption.label for s in streams.values() for d in s.disruptions}
    rules = {f"{r.label or r.effect}: {h.key}" for h in load_catalogue() for r in h.roads}
    return drawn | rules | {"protective: hazmat_leak"}


def test_every_label_yingji_makes_reads_in_chinese(streams):
    labels = _made_labels(streams)
    # The event labels the audit saw on the map are among them.
    assert {"typhoon: wind and debris", "typhoon: low-lying roads flooded",
            "rainstorm: low-lying roads flooded", "earthquake: road damage",
            "isolation: hazmat_leak"} <= labels  # fmt: skip
    with i18n.language("zh"):
        english = {lb: closure_text(lb) for lb in labels if LATIN.search(closure_text(lb))}
    assert not english


def test_the_text_names_the_hazard_by_the_names_given():
    with i18n.language("zh"):
        text = closure_text("isolation: hazmat_leak", {"hazmat_leak": "氯气泄漏"})
        shipped = closure_text("isolation: hazmat_leak")
        name = load_catalogue()["hazmat_leak"].label()
    assert text.startswith("氯气泄漏") and shipped.startswith(name) and name != "氯气泄漏"
    with i18n.language("en"):
        assert closure_text("typhoon: wind and debris") == "typhoon: wind and debris"


@pytest.mark.parametrize(
    "label", ["bridge 3 closed for works", "isolation", "", "flood: unknown words", "congestion"]
)
def test_a_label_yingji_does_not_make_reads_as_given(label):
    with i18n.language("zh"):
        assert closure_text(label) == label


def test_the_map_shows_closures_in_words_and_the_stream_keeps_its_labels(county, streams):
    stream = streams["typhoon_landfall"]
    before = [d.disruption.label for d in stream.disruptions]
    origin, _extent = wl.frame(county)
    roads = wl.thin_roads(county, origin=origin, max_segments=wl.MAX_SEGMENTS)
    free = [k for k, d in enumerate(stream.disruptions) if d.incident < 0]
    assert free  # the typhoon's own closures, tied to no incident
    with i18n.language("zh"):
        names = {h.key: h.label() for h in load_catalogue()}
        items = wl.closure_items(stream, county, roads, origin=origin, hazard_names=names)
        expected = [closure_text(before[k], names) for k in free]
    assert [items[k]["label"] for k in free] == expected
    assert not [it["label"] for it in items if LATIN.search(it["label"])]
    assert [d.disruption.label for d in stream.disruptions] == before  # machine data unchanged
    assert all(before[k].startswith("typhoon: ") for k in free)
