"""Names of the built-in county and city in the language in use: places, roads and facilities.

The synthetic county (:mod:`networks.synthetic`), the synthetic city
(:mod:`networks.synthetic_city`) and their default facilities
(:func:`sim.defaults.default_facilities`) carry pinyin names, which the network,
the records and every machine key keep whatever the language. Only what a
person reads changes: in Chinese, Baiyun Town reads 白云镇, Baiyun Street 3
白云镇3号街, Baiyun Station 白云镇应急救援站. The names live in the lowest layer
so that scenarios, the simulator and the commands share them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from networks.i18n import N_, _, both, get_language

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
#: More township names for the built-in city (:mod:`networks.synthetic_city`), which
#: needs 91: it takes :data:`_TOWNSHIP_NAMES` first, then these (pinyin, Chinese without 镇).
_MORE_TOWNSHIPS = (
    ("Anle", "安乐"), ("Baisha", "白沙"), ("Baizhang", "百丈"), ("Banqiao", "板桥"),
    ("Baotian", "宝田"), ("Beigang", "北港"), ("Caiyuan", "菜园"), ("Changping", "长坪"),
    ("Chatang", "茶塘"), ("Chengbei", "城北"), ("Chitan", "赤潭"), ("Dachong", "大冲"),
    ("Dahe", "大河"), ("Daping", "大坪"), ("Dashi", "大石"), ("Dongxi", "东溪"),
    ("Duntou", "墩头"), ("Fengshu", "枫树"), ("Fenglin", "枫林"), ("Fushan", "福山"),
    ("Ganxi", "甘溪"), ("Gaotian", "高田"), ("Guanshan", "官山"), ("Guantang", "官塘"),
    ("Hekou", "河口"), ("Hengshan", "横山"), ("Heping", "和平"), ("Huaqiao", "花桥"),
    ("Huangsha", "黄沙"), ("Huangtang", "黄塘"), ("Jiangbian", "江边"), ("Jiangkou", "江口"),
    ("Jinping", "金坪"), ("Jintan", "金滩"), ("Jiuling", "九岭"), ("Kengkou", "坑口"),
    ("Lanxi", "兰溪"), ("Lengshui", "冷水"), ("Lianhua", "莲花"), ("Lingtou", "岭头"),
    ("Longgang", "龙岗"), ("Longquan", "龙泉"), ("Luping", "芦坪"), ("Maoping", "茅坪"),
    ("Meixi", "梅溪"), ("Nanxi", "南溪"), ("Niutou", "牛头"), ("Pingtian", "平田"),
    ("Qiaotou", "桥头"), ("Qingtian", "青田"), ("Qingxi", "清溪"), ("Rongshu", "榕树"),
    ("Sanhe", "三河"), ("Shahe", "沙河"), ("Shangbao", "上堡"), ("Shankou", "山口"),
    ("Shatian", "沙田"), ("Shibei", "石背"), ("Shuikou", "水口"), ("Shuangxi", "双溪"),
    ("Songshu", "松树"), ("Tangbian", "塘边"), ("Tianxin", "田心"), ("Tongmu", "桐木"),
    ("Wantang", "湾塘"), ("Wuli", "五里"), ("Xiaohe", "小河"), ("Xikou", "溪口"),
    ("Xinfeng", "新丰"), ("Xinqiao", "新桥"), ("Xintian", "新田"), ("Yangping", "杨坪"),
    ("Yantian", "盐田"), ("Yuanqian", "园前"), ("Yunshan", "云山"), ("Zhangshu", "樟树"),
    ("Zhaixia", "寨下"), ("Zhuxi", "竹溪"), ("Zhongping", "中坪"), ("Zhutang", "竹塘"),
)  # fmt: skip
#: The built-in city's township names, in the order it hands them out.
CITY_TOWNSHIP_NAMES = _TOWNSHIP_NAMES + tuple(p for p, _zh in _MORE_TOWNSHIPS)
#: Chinese of every township name, pinyin -> Chinese (without 镇).
_TOWNSHIP_ZH = dict(zip(_TOWNSHIP_NAMES, _TOWNSHIP_NAMES_ZH, strict=True)) | dict(_MORE_TOWNSHIPS)
#: County names of the built-in city (pinyin, Chinese without 县); more counties than
#: names get a number.
_COUNTIES = (
    ("Anping", "安平"), ("Yongning", "永宁"), ("Changning", "长宁"), ("Fuyuan", "富源"),
    ("Pingyang", "平阳"), ("Xinhe", "新和"), ("Qingyuan", "清源"), ("Jiahe", "嘉禾"),
    ("Ruichang", "瑞昌"), ("Lingshan", "灵山"), ("Dexing", "德兴"), ("Huiyang", "惠阳"),
)  # fmt: skip
#: County names (pinyin) in the order the built-in city hands them out.
COUNTY_NAMES = tuple(p for p, _zh in _COUNTIES)
_COUNTY_ZH = dict(_COUNTIES)
#: Chinese village names are a first part and a landform: 杨家 + 坪 + 村.
_VILLAGE_FIRST_ZH = (
    "杨家", "李家", "王家", "陈家", "刘家", "黄家", "张家", "周家", "吴家", "徐家",
    "上", "下", "东", "西", "大", "小", "新", "老", "前", "后",
)  # fmt: skip
_VILLAGE_LAND_ZH = ("坪", "湾", "岭", "坑", "塘", "源", "垅", "洲")
#: Villages per township that get a name of their own (the rest a number).
_NAMED_VILLAGES = 10
#: Facility names by (at a village?, last word): a township's station and depot
#: (白云镇应急救援站), a village's store (杨家坪村物资储备点), and a station or depot
#: the siting puts at a village (:mod:`experiments.siting.proposal`: 陈家坪村应急物资库).
_FACILITY_NAMES = {
    (False, "Station"): N_("{township} Station"),
    (False, "Depot"): N_("{township} Depot"),
    (True, "Station"): N_("{village} Station"),
    (True, "Depot"): N_("{village} Depot"),
    (True, "Store"): N_("{village} Store"),
}


def numbered_name(names: tuple[str, ...], k: int) -> str:
    """Name ``k`` from ``names``, numbered once they run out (``"Dongcun"``, ``"Dongcun 2"``)."""
    base = names[k % len(names)]
    return base + (f" {k // len(names) + 1}" if k >= len(names) else "")


def _numbered_zh(stem: str, table: Mapping[str, str], suffix: str) -> str | None:
    """Chinese of ``"Base"`` or ``"Base 2"`` with ``Base`` in ``table`` (白云镇, 白云2镇)."""
    base, _, number = stem.partition(" ")
    if base not in table or (number and not number.isdigit()):
        return None
    return f"{table[base]}{number}{suffix}"


def _township_zh(stem: str) -> str | None:
    """Chinese of a township stem (``"Baiyun"`` -> 白云镇, ``"Baiyun 2"`` -> 白云2镇)."""
    return _numbered_zh(stem, _TOWNSHIP_ZH, "镇")


def _county_zh(stem: str) -> str | None:
    """Chinese of a county stem of the built-in city (``"Anping"`` -> 安平县)."""
    return _numbered_zh(stem, _COUNTY_ZH, "县")


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
    for road, road_zh in fixed.items():  # a county seat's of the built-in city
        county = _county_zh(name.removesuffix(" " + road)) if name.endswith(road) else None
        if county is not None:
            return county + road_zh
    head, _, last = name.rpartition(" ")
    if last == "Expressway":  # city to county seat: 安平高速
        county = _county_zh(head)
        return None if county is None else county.removesuffix("县") + "高速"
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
              "County Road": "{j}号县道", "Provincial Road": "{j}号省道"}  # fmt: skip
    if head in simple:
        return simple[head].format(j=last)
    for road, road_zh in simple.items():  # a county seat's streets: 安平县3号大道
        county = _county_zh(head.removesuffix(" " + road)) if head.endswith(road) else None
        if county is not None:
            return county + road_zh.format(j=last)
    stem, _, kind = head.rpartition(" ")
    town = _township_zh(stem) if kind in ("Street", "Lane") else None
    if town is None:
        return None
    return f"{town}{last}号{'街' if kind == 'Street' else '巷'}"


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese characters (CJK unified ideographs)."""
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)


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
    if name == "City Centre":
        return "中心城区"
    if name.endswith(" County"):
        return _county_zh(name.removesuffix(" County"))
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
    On the built-in city, ``"Municipal Station"``, ``"Anping County Station"``
    and ``"Anping County Depot"`` read 市级应急救援站, 安平县应急救援站 and
    安平县综合物资库.
    A depot or station the siting proposes at a village (``"Shiqiao Village 3
    Depot"``, :mod:`experiments.siting.proposal`) reads 陈家坪村应急物资库, and a
    proposed site's ``" (proposed)"`` reads （拟建）; one at a road node without a name
    (``"Node 12 Depot"``) reads 12号节点应急物资库.
    Any other name is shown as given.
    """
    if names_zh and name in names_zh and get_language() == "zh":
        return names_zh[name]
    # A new site of a siting: "<name> (proposed)", numbered if that name was taken.
    proposed = re.fullmatch(r"(.+) \(proposed\)((?: \d+)?)", name)
    if proposed:
        shown = facility_label(proposed.group(1), names_zh)
        return _("{name} (proposed)").format(name=shown) + proposed.group(2)
    fixed = {
        "City Station": _("City Station"),
        "City Depot": _("City Depot"),
        "Municipal Station": _("Municipal Station"),
    }
    if name in fixed:
        return fixed[name]
    county = re.fullmatch(r"County Depot (\d+)", name)
    if county:
        return _("County Depot {number}").format(number=county.group(1))
    county = re.fullmatch(r"(.+ County) (Station|Depot)", name)
    if county and chinese_place_name(county.group(1)):
        template = _("{county} Station") if county.group(2) == "Station" else _("{county} Depot")
        return template.format(county=place_name(county.group(1)))
    node = re.fullmatch(r"Node (\d+) (Station|Depot)", name)
    if node:  # a site the siting put at a road node without a name
        station = node.group(2) == "Station"
        template = _("Node {node} Station") if station else _("Node {node} Depot")
        return template.format(node=node.group(1))
    stem, _sep, kind = name.rpartition(" ")
    template = _FACILITY_NAMES.get((" Village " in stem, kind))
    if template and chinese_place_name(stem):
        place = place_name(stem)
        return _(template).format(township=place, village=place)
    return name
