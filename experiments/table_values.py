"""Chinese words a bureau writes in a stations or depots table, read as the English values.

A county's own table says 乡镇 for a township station, 综合 for a general
rescue team, 帐篷 for tents: :func:`value_terms` gives, for a column's
English values, every Chinese term read as each (the names yingji prints,
from the catalogue, and the short forms tables use). Keys and columns stay
English in what yingji writes; this only reads.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from networks import i18n
from networks.i18n import _
from scenarios.terms import CAPABILITY_NAMES, SUPPLY_NAMES

#: Short and official forms of each tier (a township also as its street office, 街道).
TIER_TERMS = {
    "provincial": ("省级", "省"),
    "city": ("市级", "市", "地市级"),
    "county": ("县级", "县", "县区级", "区县级", "县（区）级", "区级"),
    "township": ("乡镇", "乡镇级", "乡镇（街道）", "街道", "乡", "镇"),
    "village": ("村级", "村", "村（社区）", "社区", "村（社区）级"),
}
#: Short forms of the capabilities beside the names yingji prints (消防灭火, 综合救援...).
CAPABILITY_TERMS = {
    "fire": ("消防", "消防救援", "灭火"),
    "technical_rescue": ("技术救援",),
    "hazmat": ("危化品", "危险化学品处置", "危化"),
    "medical": ("医疗", "医疗救援", "急救"),
    "water_rescue": ("水上救援", "水域"),
    "general": ("综合", "综合应急救援"),
}


@functools.cache  # the same few dozen terms for every row of a table
def value_terms(column: str) -> Mapping[str, str]:
    """Every Chinese term of ``column``'s values, mapped to the English value.

    Parameters
    ----------
    column
        ``"tier"``, ``"capability"`` or ``"item"``; any other has none.

    Returns
    -------
    dict
        Term -> value (``"乡镇"`` -> ``"township"``).
    """
    out: dict[str, str] = {}
    if column == "tier":
        out.update({t: v for v, terms in TIER_TERMS.items() for t in terms})
    names: Mapping[str, str] = {}
    if column == "capability":
        out.update({t: v for v, terms in CAPABILITY_TERMS.items() for t in terms})
        names = CAPABILITY_NAMES
    elif column == "item":
        names = SUPPLY_NAMES
    with i18n.language("zh"):
        out.update({_(msgid): v for v, msgid in names.items()})
    return out


def read_value(value: object, column: str, choices: Sequence[str]) -> object:
    """``value`` as one of ``choices``: itself, or the value its Chinese term names.

    A value not among the choices and no known term comes back as given, for
    the caller's error to name it.
    """
    if value in choices:
        return value
    hit = value_terms(column).get(str(value).strip())
    return hit if hit in choices else value
