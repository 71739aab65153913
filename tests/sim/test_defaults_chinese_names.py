"""Default facilities on an OpenStreetMap network read in Chinese, after their places.

A review found ``--lang zh`` runs on the Guixi extract naming "Huayuan Station",
"柏里村 Store" and "Dayan Sujia Store": the built-in networks' pinyin names have
their Chinese readings, an OSM place's Chinese name was not used.
"""

from __future__ import annotations

import re

from networks import i18n, load_network
from networks.names import facility_label
from sim.defaults import default_facilities
from sim.facility_checks import chinese_names
from tests.conftest import osm_file

LATIN = re.compile(r"[A-Za-z]")


def test_facilities_at_places_with_chinese_names_carry_them():
    net = load_network(osm_file("cn_jiangxi_guixi_osmapi_export.osm.bz2"))
    stations, depots = default_facilities(net)
    zh = {lm.node: lm.name_zh for lm in net.landmarks if lm.kind in ("township", "village")}
    names = chinese_names(stations, depots)
    with i18n.language("zh"):
        shown = {f.name: facility_label(f.name, names) for f in (*stations, *depots)}
    # Every facility reads in Chinese, and one at a place is named after the place.
    assert not [s for s in shown.values() if LATIN.search(s)], shown
    for f in (*stations, *depots):
        if f.tier in ("township", "village"):
            assert shown[f.name].startswith(zh[f.node]), (f.name, shown[f.name])
    assert shown["柏里村 Store"] == "柏里村物资储备点"
    assert shown["Huayuan Station"] == "花园街道应急救援站"
    # English output keeps the record names.
    with i18n.language("en"):
        assert facility_label("Huayuan Station", names) == "Huayuan Station"


def test_the_built_in_networks_keep_their_own_readings(county):
    stations, depots = default_facilities(county)
    assert not chinese_names(stations, depots)  # read through facility_label's tables
