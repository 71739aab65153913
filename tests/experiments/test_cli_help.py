"""Every option and argument of every ``yingji`` command says what it is for, in both languages."""

from __future__ import annotations

import argparse
import inspect
import re

import pytest

from experiments.cli import build_parser
from networks import i18n
from networks.synthetic import synthetic_county
from networks.synthetic_city import synthetic_city


def _arguments(lang: str) -> dict[tuple[str, str], str | None]:
    """``(command path, option or positional) -> help`` over the whole parser tree in ``lang``."""
    found: dict[tuple[str, str], str | None] = {}

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{path} {name}".strip())
            elif not isinstance(action, argparse._HelpAction):
                name = "/".join(action.option_strings) or action.dest
                found[(path, name)] = action.help

    with i18n.language(lang):
        walk(build_parser(), "")
    return found


COMMANDS = {
    "demo", "network build", "network info", "network plot", "run", "replay",
    "scenario list", "scenario hazards", "scenario show", "scenario sample", "scenario sources",
    "drill draw", "drill reveal", "drill verify", "drill score", "drill history",
    "drill contribute", "experiment run", "experiment report", "experiment plan", "site",
    "examples",
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_option_of_every_command_has_a_help_text(lang):
    args = _arguments(lang)
    # The walk reaches every command (scenario list has no option of its own).
    assert COMMANDS - {"scenario list"} <= {path for path, _name in args}
    missing = [f"yingji {path} {name}" for (path, name), text in args.items() if not text]
    assert missing == []
    # A help that is only its default ("default: the config's") does not say what it sets.
    bare = [
        f"yingji {path} {name}: {text}"
        for (path, name), text in args.items()
        if re.match(r"\(?(default|默认)", str(text))
    ]
    assert bare == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_network_build_says_what_the_synthetic_networks_hold(lang):
    args = _arguments(lang)
    county = {k: v.default for k, v in inspect.signature(synthetic_county).parameters.items()}
    city = {k: v.default for k, v in inspect.signature(synthetic_city).parameters.items()}
    synthetic = args[("network build", "--synthetic")]
    assert "seed-scale" not in synthetic and "种子规模" not in synthetic
    for n in (county["townships"], county["villages"], city["counties"], city["townships"]):
        assert re.search(rf"(?<!\d){n}(?!\d)", synthetic), n
    assert str(city["villages"]) in synthetic
    # The size options give the defaults of both networks.
    for key in ("townships", "villages", "grid"):
        text = args[("network build", f"--{key}")]
        assert str(county[key]) in text and str(city[key]) in text


def test_demo_help_states_the_defaults_it_runs_with(capsys):
    from experiments.cli import main

    with i18n.language("en"):
        parser = build_parser()
    demo = parser._subparsers._group_actions[0].choices["demo"]
    defaults = {a.dest: a.default for a in demo._actions}
    args = _arguments("en")
    assert str(defaults["seed"]) in args[("demo", "--seed")]
    assert str(defaults["replications"]) in args[("demo", "--replications")]
    assert main(["--lang", "en", "demo", "--help"]) == 0
    assert f"(default: {defaults['seed']})" in " ".join(capsys.readouterr().out.split())
