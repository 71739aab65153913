"""Names of the built-in county in the language in use: places, roads and facilities.

The synthetic county (:mod:`networks.synthetic`) and its default facilities
(:func:`sim.defaults.default_facilities`) carry pinyin names, which the network,
the records and every machine key keep whatever the language. Only what a
person reads changes: in Chinese, Baiyun Town reads 白云镇, Baiyun Street 3
白云镇3号街, Baiyun Station 白云镇应急救援站. The names live in the lowest layer
so that scenarios, the simulator and the commands share them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from networks.i18n import _, both, get_language

#: Township names (pinyin); more townships than names get a number.
_TOWNSHIP_NAMES = (
    "Dongcun", "Xiba", "Nanshan", "Beihe", "Qingshui", "Huangtu", "Baiyun", "Shiqiao",
    "Longtan", "Gaoping", "Liushu", "Hongqi", "Sanjiang", "Meiling", "Taohua", "Jinsha",
)  # fmt: skip

#: Chinese names of the townships, in the order of :data:`_TOWNSHIP_NAMES` (without 镇).
_TOWNSHIP_NAMES_ZH = (
    "东村", "西坝", "南山", "北河", "清水", "黄土", "白云", "石桥",
    "龙潭", "高坪", "柳树", "红旗", "三江", "梅岭", "桃花", "金沙",
)  # fmt: skip
#: Chinese village names are a first part and a landform: 杨家 + 坪 + 村.
_VILLAGE_FIRST_ZH = (
    "杨家", "李家", "王家", "陈家", "刘家", "黄家", "张家", "周家", "吴家", "徐家",
    "上", "下", "东", "西", "大", "小", "新", "老", "前", "后",
)  # fmt: skip
_VILLAGE_LAND_ZH = ("坪", "湾", "岭", "坑", "塘", "源", "垅", "洲")
#: Villages per township that get a name of their own (the rest a number).
_NAMED_VILLAGES = 10


def _township_zh(stem: str) -> str | None:
    """Chinese of a township stem (``"Baiyun"`` -> 白云镇, ``"Baiyun 2"`` -> 白云2镇)."""
    base, _, number = stem.partition(" ")
    if base not in _TOWNSHIP_NAMES or (number and not number.isdigit()):
        return None
    return f"{_TOWNSHIP_NAMES_ZH[_TOWNSHIP_NAMES.index(base)]}{number}镇"


def _village_zh(stem: str, number: int) -> str | None:
    """Chinese of village ``number`` of township ``stem`` (``"Seat"``: no township)."""
    town = "城关镇" if stem == "Seat" else _township_zh(stem)
    if town is None or number < 1:
        return None
    if stem in _TOWNSHIP_NAMES and number <= _NAMED_VILLAGES:
        # 16 townships x 10 villages, spread over the 160 names so neighbours differ.
        k = ((number - 1) * len(_TOWNSHIP_NAMES) + _TOWNSHIP_NAMES.index(stem)) * 37 % 160
        first, land = _VILLAGE_FIRST_ZH[k % 20], _VILLAGE_LAND_ZH[k // 20]
        return f"{first}{land}村"
    return f"{town}{number}村"


def _road_zh(name: str) -> str | None:
    """Chinese of a road of the built-in county (``"Baiyun Street 3"`` -> 白云镇3号街)."""
    fixed = {"Ring Road": "环城路", "Ring Connector": "环城连接线"}
    if name in fixed:
        return fixed[name]
    head, _, last = name.rpartition(" ")
    if last in ("Road", "Link") and " Village " in head:
        village = chinese_place_name(head)
        return None if village is None else village + ("路" if last == "Road" else "连接线")
    if last == "Road":
        town = _township_zh(head)
        return None if town is None else town.removesuffix("镇") + "路"
    if not last.isdigit():
        return None
    simple = {"East Street": "东{j}街", "West Street": "西{j}街", "Avenue": "{j}号大道",
              "Street": "{j}号街", "Lane": "{j}号巷", "Road": "{j}号路",
              "County Road": "{j}号县道"}  # fmt: skip
    if head in simple:
        return simple[head].format(j=last)
    stem, _, kind = head.rpartition(" ")
    town = _township_zh(stem) if kind in ("Street", "Lane") else None
    if town is None:
        return None
    return f"{town}{last}号{'街' if kind == 'Street' else '巷'}"


def chinese_place_name(name: str) -> str | None:
    """The Chinese name of a place of the built-in county, or ``None`` if it is not one.

    Parameters
    ----------
    name
        A landmark name (``"County Seat"``, ``"Baiyun Town"``, ``"Baiyun Village 3"``)
        or a township as facility names use it (``"Baiyun"``).

    Examples
    --------
    >>> chinese_place_name("Baiyun Town"), chinese_place_name("County Seat")
    ('白云镇', '县城')
    """
    if name == "County Seat":
        return "县城"
    road = _road_zh(name)
    if road is not None:
        return road
    stem, sep, number = name.rpartition(" Village ")
    if sep:
        return _village_zh(stem, int(number)) if number.isdigit() else None
    return _township_zh(name.removesuffix(" Town"))


def place_name(name: str) -> str:
    """A place's name as shown: Chinese in Chinese for the built-in county, else ``name``.

    The network, the facilities and every machine file keep the pinyin names;
    only what a person reads changes with the language.
    """
    return both(name, chinese_place_name(name))


def facility_label(name: str, names_zh: Mapping[str, str] | None = None) -> str:
    """A station's or depot's name as a person reads it, in the language in use.

    In Chinese a name given a Chinese name by the user (``names_zh``, from
    :func:`sim.facilities.chinese_names`, e.g. :attr:`experiments.config.Region.names_zh`)
    reads as that.

    The default facilities of :func:`sim.defaults.default_facilities` carry
    pinyin names (``"Baiyun Station"``, ``"City Depot"``, ``"Baiyun Village 3
    Store"``) that records and ``summary.json`` keys use whatever the language;
    in Chinese they read 白云镇应急救援站, 市级应急物资储备库, 杨家坪村物资储备点.
    Any other name is shown as given.
    """
    if names_zh and name in names_zh and get_language() == "zh":
        return names_zh[name]
    fixed = {
        "City Station": _("City Station"),
        "City Depot": _("City Depot"),
    }
    if name in fixed:
        return fixed[name]
    county = re.fullmatch(r"County Depot (\d+)", name)
    if county:
        return _("County Depot {number}").format(number=county.group(1))
    for suffix, template in (
        (" Station", _("{township} Station")),
        (" Depot", _("{township} Depot")),
    ):
        stem = name.removesuffix(suffix)
        if stem != name and " Village " not in stem and chinese_place_name(stem):
            return template.format(township=place_name(stem))
    stem = name.removesuffix(" Store")
    if stem != name and " Village " in stem and chinese_place_name(stem):
        return _("{village} Store").format(village=place_name(stem))
    return name
