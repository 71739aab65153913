"""How an experiment's metrics, factors, levels and design points read to a person.

In English a metric or a factor is shown by its key (the name ``--metrics``,
``--baseline`` and the CSV columns use); in Chinese by the bureaus' name for it
(到场达标率, 乡镇应急救援站数量), a documented run-config key by the config
reference's terms, and a shipped policy, profile or scenario by its Chinese name.
A siting level reads, in both languages, as the current layout or by its
table's file name (the machine files keep the path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from networks.i18n import N_, _, get_language

#: Metrics as a person reads them. In English a metric is shown by its summary key (the
#: name ``--metrics`` and the CSV columns use); in Chinese by its name (到场达标率).
METRIC_LABELS = {
    "compliance_call_taking": N_("compliance_call_taking"),
    "compliance_arrival": N_("compliance_arrival"),
    "compliance_control": N_("compliance_control"),
    "compliance_all_three": N_("compliance_all_three"),
    "intervals_arrival_mean": N_("intervals_arrival_mean"),
    "intervals_arrival_p90": N_("intervals_arrival_p90"),
    "served": N_("served"),
    "mutual_aid_share": N_("mutual_aid_share"),
    "supply_within_standard": N_("supply_within_standard"),
    "supply_delivery_mean": N_("supply_delivery_mean"),
    "supply_delivery_p90": N_("supply_delivery_p90"),
    "supply_short_units": N_("supply_short_units"),
    "people_rescued_alive": N_("people_rescued_alive"),
    "people_delay_deaths": N_("people_delay_deaths"),
    "people_alive_share": N_("people_alive_share"),
    "people_saved_share": N_("people_saved_share"),
    "people_rescue_min": N_("people_rescue_min"),
    "people_not_reached": N_("people_not_reached"),
    "people_shelter_overflow": N_("people_shelter_overflow"),
    "people_evacuation_min_mean": N_("people_evacuation_min_mean"),
    "warning_compliance_arrival": N_("warning_compliance_arrival"),
    "warning_arrival_mean": N_("warning_arrival_mean"),
    "warning_arrival_p90": N_("warning_arrival_p90"),
    "warning_call_taking_mean": N_("warning_call_taking_mean"),
    "warning_supply_delivery_mean": N_("warning_supply_delivery_mean"),
    "warning_supply_short_units": N_("warning_supply_short_units"),
    "warning_supply_short_incidents": N_("warning_supply_short_incidents"),
    "warning_teams_staged": N_("warning_teams_staged"),
    "warning_stock_units": N_("warning_stock_units"),
    "moveup_coverage_share": N_("moveup_coverage_share"),
    "moveup_expected_coverage_share": N_("moveup_expected_coverage_share"),
    "moveup_moves_per_day": N_("moveup_moves_per_day"),
    "moveup_moves": N_("moveup_moves"),
    "moveup_move_min_mean": N_("moveup_move_min_mean"),
    "rush_hour_arrival_share": N_("rush_hour_arrival_share"),
    "rush_hour_arrival_mean": N_("rush_hour_arrival_mean"),
    "rush_hour_arrival_p90": N_("rush_hour_arrival_p90"),
    "rush_hour_incidents": N_("rush_hour_incidents"),
    "off_peak_arrival_share": N_("off_peak_arrival_share"),
    "off_peak_arrival_mean": N_("off_peak_arrival_mean"),
    "off_peak_arrival_p90": N_("off_peak_arrival_p90"),
    "off_peak_incidents": N_("off_peak_incidents"),
    # Duty desks and the reporting chain (Ⅱ级事件续报及时率 in Chinese).
    "reporting_late": N_("reporting_late"),
    "reporting_missed": N_("reporting_missed"),
    "reporting_video_share": N_("reporting_video_share"),
    "duty_call_wait_mean": N_("duty_call_wait_mean"),
    "duty_utilisation_township": N_("duty_utilisation_township"),
    "duty_utilisation_county": N_("duty_utilisation_county"),
    "duty_utilisation_city": N_("duty_utilisation_city"),
    "reporting_on_time_phone_first_share": N_("reporting_on_time_phone_first_share"),
    "reporting_on_time_written_first_share": N_("reporting_on_time_written_first_share"),
    "reporting_on_time_follow_up_share": N_("reporting_on_time_follow_up_share"),
    "reporting_on_time_final_share": N_("reporting_on_time_final_share"),
    "reporting_on_time_by_grade_phone_first_1_share": N_(
        "reporting_on_time_by_grade_phone_first_1_share"
    ),
    "reporting_on_time_by_grade_phone_first_2_share": N_(
        "reporting_on_time_by_grade_phone_first_2_share"
    ),
    "reporting_on_time_by_grade_phone_first_3_share": N_(
        "reporting_on_time_by_grade_phone_first_3_share"
    ),
    "reporting_on_time_by_grade_phone_first_4_share": N_(
        "reporting_on_time_by_grade_phone_first_4_share"
    ),
    "reporting_on_time_by_grade_written_first_1_share": N_(
        "reporting_on_time_by_grade_written_first_1_share"
    ),
    "reporting_on_time_by_grade_written_first_2_share": N_(
        "reporting_on_time_by_grade_written_first_2_share"
    ),
    "reporting_on_time_by_grade_written_first_3_share": N_(
        "reporting_on_time_by_grade_written_first_3_share"
    ),
    "reporting_on_time_by_grade_written_first_4_share": N_(
        "reporting_on_time_by_grade_written_first_4_share"
    ),
    "reporting_on_time_by_grade_follow_up_1_share": N_(
        "reporting_on_time_by_grade_follow_up_1_share"
    ),
    "reporting_on_time_by_grade_follow_up_2_share": N_(
        "reporting_on_time_by_grade_follow_up_2_share"
    ),
    "reporting_on_time_by_grade_follow_up_3_share": N_(
        "reporting_on_time_by_grade_follow_up_3_share"
    ),
    "reporting_on_time_by_grade_follow_up_4_share": N_(
        "reporting_on_time_by_grade_follow_up_4_share"
    ),
    "reporting_on_time_by_grade_final_1_share": N_("reporting_on_time_by_grade_final_1_share"),
    "reporting_on_time_by_grade_final_2_share": N_("reporting_on_time_by_grade_final_2_share"),
    "reporting_on_time_by_grade_final_3_share": N_("reporting_on_time_by_grade_final_3_share"),
    "reporting_on_time_by_grade_final_4_share": N_("reporting_on_time_by_grade_final_4_share"),
}


def metric_text(metric: str) -> str:
    """A metric as a person reads it, in the language in use (its key when it has no name)."""
    text = METRIC_LABELS.get(metric)
    return _(text) if text else metric


#: Factor keys as a person reads them: the key itself in English, its name in Chinese
#: (乡镇应急救援站数量). Any other key is shown as written.
FACTOR_LABELS = {
    "facilities.township_stations": N_("facilities.township_stations"),
    # A siting compared as a factor: the stations or depots table (a file, or inline tables).
    "facilities.stations": N_("facilities.stations"),
    "facilities.depots": N_("facilities.depots"),
    "network.townships": N_("network.townships"),
    "network.counties": N_("network.counties"),
    "network.villages": N_("network.villages"),
    "run.travel_noise": N_("run.travel_noise"),
    "policy.name": N_("policy.name"),
    "policy.reserve": N_("policy.reserve"),
    "warnings.lead_h": N_("warnings.lead_h"),
    "moveup.policy": N_("moveup.policy"),
    "congestion.profile": N_("congestion.profile"),
    # A whole [policy] table (a custom policy with its parameters), examples/custom_policy_*.
    "policy": N_("policy"),
    # Officers on duty per desk of each level (examples/reporting.toml varies the township's).
    "duty.township.officers": N_("duty.township.officers"),
    "duty.county.officers": N_("duty.county.officers"),
    "duty.city.officers": N_("duty.city.officers"),
}


def factor_text(key: str) -> str:
    """A factor key as a person reads it, in the language in use (the key when unknown).

    In Chinese a key without a label of its own takes the run config's terms for
    the key and its table (``到达现场（响应时限标准）`` for ``targets.arrival``), as
    ``docs/config.md`` lists them.
    """
    text = FACTOR_LABELS.get(key)
    if text:
        return _(text)
    if get_language() == "zh":
        return _config_term(key) or key
    return key


def _config_term(key: str) -> str | None:
    """The run config's Chinese term for a dotted key, with its table's; ``None``: none."""
    from experiments.config_reference import section

    table, _dot, name = key.rpartition(".")
    try:
        sec = section(f"run:{table}")
        term = sec[name].zh
    except KeyError:
        return None
    if not term:
        return None
    table_term = sec.zh.split("（")[0]  # 动态调度（补位） -> 动态调度: no brackets in brackets
    return term if not table_term or table_term in term else f"{term}（{table_term}）"


#: The facility tables a factor can compare (sitings), and their words for the built-in
#: siting and for none: ``default`` reads as the current layout, not as a file name.
FACILITY_LEVELS = {
    "facilities.stations": {"default": N_("current layout")},
    "facilities.depots": {"default": N_("current layout"), "none": N_("no depots")},
}


def level_text(key: str, value: Any, *, among: Sequence[Any] = ()) -> str:
    """A factor level as a person reads it: a shipped policy by its name, else as written.

    A whole table (``key = "policy"``, levels ``{name = ..., reserve = 1}``) reads in
    Chinese as its name and parameters in words (``就近调派（预留队伍数：1）``); in
    English as written, as the design point's stored label. A siting
    (``facilities.stations``) reads as the current layout or by its table's file
    name; by its path where another of the factor's levels, ``among``, has that name.
    """
    from experiments.design import format_value

    if key in FACILITY_LEVELS and isinstance(value, str):
        return _facility_text(value, FACILITY_LEVELS[key], among)
    if isinstance(value, Mapping) and value and get_language() == "zh":
        return _table_text(key, value)
    if key == "policy.name" and isinstance(value, str):
        from experiments.outputs import policy_label

        return policy_label(value)
    if key == "moveup.policy" and isinstance(value, str):
        from sim.moveup_spec import POLICY_LABELS

        return _(POLICY_LABELS[value]) if value in POLICY_LABELS else value
    if key == "scenario.name" and isinstance(value, str):
        from experiments.outputs import scenario_label

        return scenario_label(value)
    if key == "congestion.profile" and isinstance(value, str):
        from sim.congestion import PROFILE_LABELS

        return _(PROFILE_LABELS[value]) if value in PROFILE_LABELS else value
    return format_value(value)


def _facility_text(value: str, words: Mapping[str, str], among: Sequence[Any]) -> str:
    """A siting level: its word (``default``), else its table file without folder or suffix.

    Two tables of one name (``proposed_stations.csv`` of two ``yingji site`` runs)
    keep their folders, so no two levels read the same.
    """
    if value in words:
        return _(words[value])

    def stem(path: str) -> str:
        return PurePosixPath(path.replace("\\", "/")).stem or path

    clash = any(
        isinstance(v, str) and v != value and v not in words and stem(v) == stem(value)
        for v in among
    )
    if clash:
        path = PurePosixPath(value.replace("\\", "/"))
        return path.with_suffix("").as_posix() if path.suffix else path.as_posix()
    return stem(value)


def _table_text(key: str, table: Mapping[str, Any]) -> str:
    """A table level in words: its ``name`` (a policy's label), then its other keys."""

    def sub(k: str) -> str:  # a key the labels name (预留队伍数), else as written (area)
        return factor_text(f"{key}.{k}") if f"{key}.{k}" in FACTOR_LABELS else k

    pairs = _(", ").join(
        _("{key}={value}").format(key=sub(k), value=level_text(f"{key}.{k}", v))
        for k, v in sorted(table.items())
        if k != "name"
    )
    if "name" not in table:
        return pairs
    name = level_text(f"{key}.name", table["name"])
    return _("{name} ({parameters})").format(name=name, parameters=pairs) if pairs else name


def point_in_message(values: Sequence[tuple[str, Any]]) -> str:
    """A design point in an error line: its stored label in English, words in Chinese."""
    if get_language() == "zh":
        return point_text(values)
    from experiments.design import format_value

    return ", ".join(f"{k}={format_value(v)}" for k, v in values) or "base"


def point_text(
    values: Mapping[str, Any] | Sequence[tuple[str, Any]],
    *,
    levels: Mapping[str, Sequence[Any]] | None = None,
) -> str:
    """A design point's levels as a person reads them (in English: its label as stored).

    ``levels``: each factor's levels in the design
    (:func:`~experiments.design_points.factor_levels`), so that two sitings of one
    file name read apart (see :func:`level_text`); a siting's ``default`` reads as
    the current layout in English too.
    """
    pairs = values.items() if isinstance(values, Mapping) else values
    levels = levels or {}
    shown = [
        _("{key}={value}").format(
            key=factor_text(k), value=level_text(k, v, among=levels.get(k, ()))
        )
        for k, v in pairs
    ]
    return _(", ").join(shown) or _("base")


def point_labels(points: Sequence[Any]) -> dict[int, str]:
    """Each design point's :func:`point_text` by index, its sitings read apart."""
    from experiments.design_points import factor_levels

    levels = factor_levels(points)
    return {p.index: point_text(p.values, levels=levels) for p in points}
