"""``scenario list`` names each kind of event once; ``scenario hazards`` labels the CAP code.

The expected words come from the catalogue through ``_()``, so the tests hold
both before and after the Chinese translations of the new messages are added.
"""

from __future__ import annotations

from collections import Counter

import pytest

from experiments.cli import main
from networks.i18n import _, both, language, width
from scenarios import list_scenarios, load_catalogue, load_scenario
from scenarios.terms import event_name


def _lines(capsys, lang: str, *argv: str) -> dict[str, str]:
    """The command's output lines, by their first word (a scenario or hazard key)."""
    assert main(["--lang", lang, *argv]) == 0
    out = capsys.readouterr().out
    return {line.split()[0]: line for line in out.splitlines() if line.strip()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_kind_of_event_is_named_once_with_its_count(capsys, lang):
    lines = _lines(capsys, lang, "scenario", "list")
    repeated = 0
    with language(lang):
        sep = _(", ")
        for name in list_scenarios():
            kinds = Counter(e.type for e in load_scenario(name).events)
            if not kinds:
                continue
            shown = {k: both(k, event_name(k)) for k in kinds}
            column = lines[name]
            for kind, n in kinds.items():
                item = (
                    shown[kind]
                    if n == 1
                    else _("{event} ({n} events)").format(event=shown[kind], n=n)
                )
                assert item in column, (name, item, column)
                # Named once: never as two list items in a row.
                assert f"{shown[kind]}{sep}{shown[kind]}" not in column, column
            repeated += sum(n > 1 for n in kinds.values())
    assert repeated >= 1  # rainstorm_72h holds two rainstorm events


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cap_category_is_labelled_as_a_cap_code(capsys, lang):
    lines = _lines(capsys, lang, "scenario", "hazards")
    catalogue = list(load_catalogue())
    assert {h.key for h in catalogue} <= set(lines)
    with language(lang):
        for h in catalogue:
            label = _("CAP {category}").format(category=h.cap_category)
            assert label != h.cap_category and label in lines[h.key], lines[h.key]
        needs = _("IV needs: {teams}").split("{")[0]
    # The column after it still starts at one place (in terminal columns) for every hazard.
    starts = {width(lines[h.key][: lines[h.key].index(needs)]) for h in catalogue}
    assert len(starts) == 1, starts
