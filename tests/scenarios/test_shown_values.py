"""Values in messages read as the config wrote them (``true``, not ``True``), and short."""

from __future__ import annotations

import pytest

from scenarios.validate import shown


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        ([1, True], "[1, true]"),
        ({"a": [False, 2]}, "{'a': [false, 2]}"),
        ((1,), "(1,)"),
        (["a", "b"], "['a', 'b']"),
        ([True] * 60, "[" + ", ".join(["true"] * 5) + "…"),
        ([True, "x" * 300], "[true, '" + "x" * 50 + "…"),
    ],
)
def test_a_value_reads_as_written_and_at_most_60_characters(value, text):
    out = f"{shown(value)!r}"
    assert out == f"{shown(value)}" and len(out) <= 60
    assert out.startswith(text.removesuffix("…")) and ("…" in out) == text.endswith("…")


def test_a_huge_list_is_not_written_out_whole():
    out = f"{shown(list(range(10**6)))!r}"
    assert out.startswith("[0, 1, 2, 3,") and out.endswith("…") and len(out) == 60
