"""Names of the siting's sites as people read them: Chinese in Chinese, the records' in English.

``yingji site`` names a new site after its place (``"Shiqiao Village 3 Depot
(proposed)"``); ``sites.csv`` keeps that name, the map and the figures show it
in the language in use.
"""

from __future__ import annotations

import re

import pytest

from experiments.config import RunConfig
from experiments.siting.outputs import site_table
from experiments.siting.plan import site
from experiments.siting.plots import site_labels
from experiments.siting.proposal import proposed_region
from experiments.siting.task import read_tasks
from experiments.webmap_site import site_map_data
from networks import i18n
from networks.names import chinese_place_name, facility_label
from scenarios.validate import read_toml
from tests.experiments.webmap_pages import SITING, layer

LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def depots():
    """The township depots of examples/siting.toml sited (two of them move to villages)."""
    raw = read_toml(SITING)
    cfg = RunConfig.from_dict(raw, source=str(SITING), base_dir=SITING.parent)
    region = cfg.region()
    (task,) = read_tasks(raw, source=str(SITING), base_dir=SITING.parent, only=["depots"])
    result = site(task, cfg, region)
    proposed = proposed_region(result, region)
    table = site_table(result, proposed)
    new = [n for n, st in zip(table["name"], table["status"], strict=True) if st == "new"]
    # What the fix is about: new depots at villages, named "<village> Depot (proposed)".
    assert any(" Village " in n and n.endswith(" Depot (proposed)") for n in new)
    return result, proposed, table


@pytest.mark.parametrize("name", ["Shiqiao Village 3 Depot", "Gaoping Village 4 Station"])
def test_a_site_at_a_village_reads_as_the_villages_in_chinese(name):
    village = name.rpartition(" ")[0]
    with i18n.language("zh"):
        shown = facility_label(name)
    assert shown.startswith(chinese_place_name(village)) and not LATIN.search(shown)
    with i18n.language("en"):
        assert facility_label(name) == name


@pytest.mark.parametrize("name", ["Node 12 Depot", "Node 7 Station (proposed)"])
def test_a_site_at_an_unnamed_node_reads_in_chinese(name):
    with i18n.language("zh"):
        shown = facility_label(name)
    assert not LATIN.search(shown) and re.search(r"\d+", shown)[0] in name
    with i18n.language("en"):
        assert facility_label(name) == name


@pytest.mark.parametrize(
    "name", ["Baiyun Station (proposed)", "Shiqiao Village 3 Depot (proposed)"]
)
def test_a_proposed_site_says_so_in_the_language_in_use(name):
    base = name.removesuffix(" (proposed)")
    with i18n.language("zh"):
        shown = facility_label(name)
        assert shown == i18n._("{name} (proposed)").format(name=facility_label(base))
    assert shown.startswith(chinese_place_name(base.rpartition(" ")[0]))
    assert not LATIN.search(shown)
    with i18n.language("en"):
        assert facility_label(name) == name


def test_a_user_given_chinese_name_wins_over_the_built_in_one():
    with i18n.language("zh"):
        shown = facility_label("Baiyun Station (proposed)", {"Baiyun Station": "白云救援站"})
    assert shown.startswith("白云救援站") and not LATIN.search(shown)


def test_the_site_map_names_every_site_in_the_language_in_use(depots):
    result, proposed, table = depots
    for lang in ("zh", "en"):
        with i18n.language(lang):
            data = site_map_data(result, proposed)
        points = layer(data, "proposed")["points"] + layer(data, "current")["points"]
        names = {p["node"]: p["name"] for p in points}
        popups = {p["node"]: dict(p["popup"]) for p in points}
        record = dict(zip(table["node"], table["name"], strict=True))
        assert names.keys() <= record.keys() and len(names) == len(points)
        if lang == "en":  # English reads the records' names
            assert names == {n: record[n] for n in names}
        else:
            assert not [nm for nm in names.values() if LATIN.search(nm)]
        assert all(popups[n][next(iter(popups[n]))] == names[n] for n in names)


def test_the_coverage_map_labels_new_village_depots_in_chinese(depots):
    result, _proposed, table = depots
    names = dict(zip(table["node"], table["name"], strict=True))
    with i18n.language("zh"):
        labels = site_labels(result, names=names)
    new = [n for n, st in zip(table["node"], table["status"], strict=True) if st == "new"]
    assert set(new) <= labels.keys()
    assert not [text for text in labels.values() if LATIN.search(text)]
