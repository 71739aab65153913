"""Every bad input is refused in one line naming the file and key, exit 2, nothing changed.

The cases live beside the harness in ``tests/bad_inputs/``, one list per area;
this one module runs them all, so ``pytest tests/test_bad_inputs.py`` is the
whole catalogue of refusals.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.bad_inputs as pkg
from tests.bad_inputs.harness import Case, check_case


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name.startswith("cases_"):
            cases.extend(importlib.import_module(f"{pkg.__name__}.{mod.name}").CASES)
    return cases


CASES = _all_cases()


def test_case_ids_are_unique_and_many():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 60


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_refused_in_one_line(case: Case, tmp_path):
    check_case(case, tmp_path)
