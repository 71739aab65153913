"""A report row's ``fields`` cell: labels that hold ``、`` themselves are read whole."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from experiments.drill.observation_files import split_fields

TEMPLATES = Path(__file__).resolve().parents[2] / "scenarios" / "data" / "report_templates.toml"


def _labels() -> dict[str, str]:
    """Chinese label -> key of every field of the shipped report templates."""
    out: dict[str, str] = {}

    def walk(node, key):
        if isinstance(node, dict):
            if "label_zh" in node:
                out[node["label_zh"]] = key
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)

    walk(tomllib.loads(TEMPLATES.read_text(encoding="utf-8")), "")
    return out


LABELS = _labels()


def test_the_templates_have_labels_with_the_separator_in_them():
    assert "较上次报告的新情况、新变化" in LABELS
    assert sum("、" in name for name in LABELS) >= 3


SEPARATORS = [";", "；", "、", " ; ", "、 "]


@given(st.lists(st.sampled_from(sorted(LABELS)), min_size=1, max_size=6),
       st.lists(st.sampled_from(SEPARATORS), min_size=6, max_size=6))  # fmt: skip
def test_any_labels_joined_by_any_separator_come_back_whole(names, seps):
    cell = "".join(n + seps[k] for k, n in enumerate(names))
    assert split_fields(cell, LABELS.get) == names


def test_unknown_names_are_still_split_for_the_error_to_name_them():
    got = split_fields("伤亡人数、无此要素；较上次报告的新情况、新变化", LABELS.get)
    assert got[-1] == "较上次报告的新情况、新变化"
    assert "无此要素" in got


def test_without_a_template_every_separator_splits():
    # A drill without report templates takes any name: none is known to hold a 、.
    got = split_fields("伤亡人数、死亡人数；地点", lambda _name: None)
    assert got == ["伤亡人数", "死亡人数", "地点"]
