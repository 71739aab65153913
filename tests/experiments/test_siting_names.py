"""How ``yingji site`` names its models, and the units of its infeasibility messages."""

from __future__ import annotations

import re

import numpy as np
import pytest

from experiments.cli import main
from experiments.siting import LSCP, BackupCoverage
from experiments.siting.errors import InfeasibleError
from experiments.siting.task import MODELS, model_text
from networks import i18n
from tests.conftest import REPO

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_english_names_are_the_planners_not_the_config_keys():
    with i18n.language("en"):
        names = {m: model_text(m) for m in MODELS}
    # Acronyms stay acronyms; the others are words, never the shouted config key.
    assert names["lscp"] == "LSCP" and names["mclp"] == "MCLP"
    for model in ("backup", "pmedian", "pcenter", "hierarchy"):
        assert names[model] != model.upper() and names[model].islower(), names[model]
    assert len(set(names.values())) == len(MODELS)


def test_chinese_names_are_chinese():
    with i18n.language("zh"):
        names = {m: model_text(m) for m in MODELS}
    for model, name in names.items():
        assert HAN.search(name), name
        assert model.upper() not in name or model in ("lscp", "mclp"), name


def test_the_site_command_prints_the_models_name(tmp_path, capsys):
    argv = ["--lang", "en", "site", str(REPO / "examples" / "siting.toml"), "--task", "stations",
            "--model", "pmedian", "--no-plots", "--out", str(tmp_path / "o")]  # fmt: skip
    assert main(argv) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("stations: p-median on the township stations"), first


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_infeasible_standard_is_stated_in_minutes(lang):
    # 480 s (8 min): the second demand point is 9 min from every candidate.
    times = np.array([[60.0, 600.0], [540.0, 560.0]])
    with i18n.language(lang):
        with pytest.raises(InfeasibleError) as lscp:
            LSCP.from_matrix(times, standard=480).solve()
        with pytest.raises(InfeasibleError) as backup:
            BackupCoverage.from_matrix(times, standard=480, p=1, require_coverage=True).solve()
    for exc in (lscp, backup):
        text = str(exc.value)
        assert re.search(r"(?<![\d.])8(?![\d.])", text) and "480" not in text, text
        assert " s " not in text and "秒" not in text, text


def test_the_command_line_error_uses_one_unit(tmp_path, capsys):
    argv = ["--lang", "en", "site", str(REPO / "examples" / "siting.toml"), "--task", "stations",
            "--model", "lscp", "--standard-min", "4", "--out", str(tmp_path / "o")]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    # 4 min standard - 2 min turnout: the error and its hint both say 2 min of travel.
    assert "standard of 2 min" in err and "(travel standard 2 min)" in err
    assert "120" not in err and " s " not in err
