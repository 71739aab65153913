"""Display names of the domain's fixed vocabulary, in the language in use.

Machine files keep the stable English keys (``natural_disaster``, ``hazmat``,
grade ``1``); people read these names. In Chinese they are the terms the
bureaus use (the national master plan's four categories and four grades)::

    >>> from networks.i18n import language
    >>> with language("zh"):
    ...     grade_label(2), category_name("accident"), warning_name(1)
    ('Ⅱ级（重大）', '事故灾难', '红色预警')
    >>> with language("en"):
    ...     grade_label(2), category_name("accident"), warning_name(1)
    ('grade II (major)', 'accident', 'red warning')

Hazard names, descriptions and grade meanings come from the catalogue
(:meth:`scenarios.catalogue.HazardSpec.label` and friends), not from here.
"""

from __future__ import annotations

from networks.i18n import N_, _, pgettext
from scenarios.stream import GRADE_NAMES

#: Grade words (I-IV), English msgids; Chinese 特别重大 / 重大 / 较大 / 一般.
GRADE_WORDS = {
    1: N_("especially major"),
    2: N_("major"),
    3: N_("larger"),
    4: N_("general"),
}
#: The four categories of emergencies (national master plan).
CATEGORY_NAMES = {
    "natural_disaster": N_("natural disaster"),
    "accident": N_("accident"),
    "public_health": N_("public-health event"),
    "social_safety": N_("social-safety event"),
}
#: Warning colours by grade (I red ... IV blue).
WARNING_NAMES = {
    1: N_("red warning"),
    2: N_("orange warning"),
    3: N_("yellow warning"),
    4: N_("blue warning"),
}
#: Team capabilities.
CAPABILITY_NAMES = {
    "fire": N_("firefighting"),
    "technical_rescue": N_("technical rescue"),
    "hazmat": N_("hazmat"),
    "medical": N_("medical"),
    "water_rescue": N_("water rescue"),
    "general": N_("general rescue"),
}
#: Supply items.
SUPPLY_NAMES = {
    "tents": N_("tents"),
    "drinking_water": N_("drinking water"),
    "food": N_("food"),
    "sandbags": N_("sandbags"),
    "pumps": N_("pumps"),
    "medical_kits": N_("medical kits"),
    "blankets": N_("blankets"),
}
#: Scenario event types (the ``type`` of ``[[events]]``).
EVENT_NAMES = {
    "rainstorm": N_("rainstorm"),
    "typhoon": N_("typhoon"),
    "earthquake": N_("earthquake"),
    "chemical_leak": N_("chemical leak"),
    "incident": N_("set incident"),
}
#: Hazard-source kinds (:data:`scenarios.places.SOURCE_KINDS`).
SOURCE_NAMES = {
    "river": N_("river"),
    "forest": N_("forest"),
    "chemical_plant": N_("chemical plant"),
    "mine": N_("mine"),
    "school": N_("school"),
    "venue": N_("crowded venue"),
}
#: Road sets (:data:`scenarios.catalogue.ROAD_SETS`).
ROAD_SET_NAMES = {
    "any": N_("all roads"),
    "low_lying": N_("low-lying roads"),
    "river": N_("riverside roads"),
    "forest": N_("forest roads"),
}


def _name(table: dict, key: object) -> str:
    """The translated name of ``key``, or ``key`` itself if the vocabulary lacks it."""
    msgid = table.get(key)
    return _(msgid) if msgid is not None else str(key)


def grade_numeral(grade: int) -> str:
    """``"I"`` .. ``"IV"``; in Chinese the numeral characters Ⅰ .. Ⅳ.

    As the national master plan writes the grades (Ⅰ级（特别重大）、Ⅱ级（重大）...);
    machine-readable columns keep ``GRADE_NAMES``.
    """
    numerals = {
        "I": pgettext("grade numeral", "I"),
        "II": pgettext("grade numeral", "II"),
        "III": pgettext("grade numeral", "III"),
        "IV": pgettext("grade numeral", "IV"),
    }
    return numerals[GRADE_NAMES[int(grade)]]


def grade_name(grade: int) -> str:
    """The grade's word: 特别重大 / 重大 / 较大 / 一般, or especially major ... general."""
    return _name(GRADE_WORDS, int(grade))


def grade_label(grade: int) -> str:
    """Numeral and word: ``"Ⅰ级（特别重大）"`` or ``"grade I (especially major)"``."""
    return _("grade {numeral} ({name})").format(
        numeral=grade_numeral(grade), name=grade_name(grade)
    )


def category_name(category: str) -> str:
    """自然灾害 / 事故灾难 / 公共卫生事件 / 社会安全事件, or the English names."""
    return _name(CATEGORY_NAMES, category)


def warning_name(grade: int) -> str:
    """The warning colour of a grade: 红色预警 (I) ... 蓝色预警 (IV)."""
    return _name(WARNING_NAMES, int(grade))


def capability_name(capability: str) -> str:
    """A team capability's name (``"hazmat"`` -> 危化品处置)."""
    return _name(CAPABILITY_NAMES, capability)


def supply_name(item: str) -> str:
    """A supply item's name (``"drinking_water"`` -> 饮用水)."""
    return _name(SUPPLY_NAMES, item)


def event_name(kind: str) -> str:
    """A scenario event type's name (``"chemical_leak"`` -> 危化品泄漏)."""
    return _name(EVENT_NAMES, kind)


def source_name(kind: str) -> str:
    """A hazard-source kind's name (``"chemical_plant"`` -> 化工企业)."""
    return _name(SOURCE_NAMES, kind)


def road_set_name(name: str) -> str:
    """A road set's name (``"low_lying"`` -> 低洼路段)."""
    return _name(ROAD_SET_NAMES, name)
