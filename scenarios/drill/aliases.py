"""Names a drill file may use for areas and stations, resolved to the records' names.

A drill file's ``include_areas``, ``exclude_areas`` and ``units`` may name an
area or station as the network records it or by its Chinese name; an unknown
name is refused with a :class:`~networks.errors.ConfigError` listing the names
to choose from (in Chinese, each Chinese name with the record's name in brackets).
"""

from __future__ import annotations

from networks import i18n
from networks.errors import ConfigError
from networks.i18n import _
from networks.roadnet import RoadNetwork
from scenarios.drill import texts

__all__ = ["aliases", "area_zh", "facility_zh", "resolve"]


def area_zh(network: RoadNetwork, area: str) -> str | None:
    """The Chinese name of an area (a city, county or township landmark), None if it has none."""
    from networks.names import chinese_place_name

    for lm in network.landmarks:
        if lm.name == area and lm.kind in ("city", "county", "township") and lm.name_zh:
            return lm.name_zh
    return chinese_place_name(area)


def facility_zh(name: str) -> str | None:
    """The Chinese label of a station (:func:`networks.names.facility_label`), None if none."""
    try:
        from networks.names import facility_label
    except ImportError:  # pragma: no cover - the simulator is part of yingji
        return None
    with i18n.language("zh"):
        label = facility_label(name)
    return label if label != name else None


def aliases(names: dict[str, str | None]) -> tuple[dict[str, str], dict[str, str | None]]:
    """Every name a drill file may use (the record's name or its Chinese) -> the record's name."""
    lookup = {zh: n for n, zh in names.items() if zh}
    lookup.update({n: n for n in names})
    return lookup, names


def resolve(
    given: str,
    names: tuple[dict[str, str], dict[str, str | None]],
    source: str | None,
    key: str,
    message: str,
) -> str:
    """The record name ``given`` stands for, or a ConfigError listing the names to choose from.

    In Chinese the list gives each Chinese name with the record's name in brackets.
    """
    lookup, zh = names
    if given in lookup:
        return lookup[given]
    shown = [
        _("{name_zh} ({name})").format(name_zh=zh[n], name=n)
        if i18n.get_language() == "zh" and zh[n]
        else n
        for n in zh
    ]
    listed = texts.render(texts.listing(shown))
    raise ConfigError(
        _(message).format(area=given, unit=given, areas=listed, stations=listed),
        source=source,
        key=key,
    )
