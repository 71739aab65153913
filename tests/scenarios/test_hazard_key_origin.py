"""A hazard-source error names the layer of the catalogue that set the key (audit_input #10)."""

from __future__ import annotations

import numpy as np
import pytest

from networks.errors import ConfigError
from scenarios import generate_stream, load_scenario

#: A new hazard, complete, whose ``source`` kind no network has.
_CATALOGUE = (
    '[hazards.dam_break]\nname = "Dam break"\ncategory = "natural_disaster"\n'
    'cap_category = "Met"\nunder_control = "flow stopped"\ngrade_probs = [0, 0, 0, 1]\n'
    'meaning = ["a", "b", "c", "d"]\nteams = { water_rescue = 3 }\n'
    'control_work = { dist = "fixed", value = 60 }\n'
    'clear_work = { dist = "fixed", value = 5 }\nsource = "reservoir"\n'
)
_SCENARIO = (
    'name = "x"\nduration_h = 24\ncatalogue = "extra.toml"\n[background.rates]\ndam_break = 50\n'
)


def _error(tmp_path, small, scenario: str) -> ConfigError:
    (tmp_path / "extra.toml").write_text(_CATALOGUE)
    f = tmp_path / "scenario.toml"
    f.write_text(scenario)
    with pytest.raises(ConfigError) as err:
        generate_stream(load_scenario(f), small, rng=np.random.default_rng(0))
    return err.value


def test_a_source_set_in_the_catalogue_file_names_it_though_the_scenario_overrides_others(
    tmp_path, small
):
    # The scenario overrides another hazard, so it is the last layer of the catalogue:
    # the error used to blame it for the catalogue's key.
    text = _SCENARIO + "[overrides.hazards.waterlogging]\nsource_m = 800\n"
    err = _error(tmp_path, small, text)
    assert err.source is not None and err.source.endswith("extra.toml")
    assert err.key == "hazards.dam_break.source"
    assert "'reservoir'" in str(err)


def test_a_source_set_in_the_scenarios_overrides_names_the_scenario_and_its_key(tmp_path, small):
    text = _SCENARIO + '[overrides.hazards.dam_break]\nsource = "lake"\n'
    err = _error(tmp_path, small, text)
    assert err.source is not None and err.source.endswith("scenario.toml")
    assert err.key == "overrides.hazards.dam_break.source"
    assert "'lake'" in str(err)


def test_a_scenario_overriding_other_keys_of_the_hazard_leaves_the_source_to_the_catalogue(
    tmp_path, small
):
    text = _SCENARIO + "[overrides.hazards.dam_break]\nsource_m = 900\n"
    err = _error(tmp_path, small, text)
    assert err.source is not None and err.source.endswith("extra.toml")
    assert err.key == "hazards.dam_break.source"
