"""Bad dispatch policies named by import path, in ``run``, ``experiment run`` and ``site``.

Each case writes its own policy module beside the config (every module name
is used once: a process imports a module once). The harness also checks that
nothing new appears in the folder, so importing writes no ``__pycache__``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.bad_inputs.cases_experiments import exp_with
from tests.bad_inputs.cases_inputs import config, with_files
from tests.bad_inputs.harness import Case, write

RUN = ("run", "run.toml", "--out", "out")


def policy(table: str, files: dict[str, str] | None = None) -> Callable[[Path], None]:
    """The small run config with ``[policy]`` holding ``table``, and policy modules."""
    return with_files(config(f"[policy]\n{table}\n"), files or {})


def exp_level(level: str, files: dict[str, str]) -> Callable[[Path], None]:
    """The tiny experiment with its severity_priority level replaced, and policy modules."""
    base = exp_with('"severity_priority"]', f"{level}]")

    def setup(tmp: Path) -> None:
        base(tmp)
        for name, text in files.items():
            write(tmp, name, text)

    return setup


NEAREST = "from sim.policies import NearestAvailable\n"

CASES = [
    Case(
        "run-policy-module-missing",
        RUN,
        ("run.toml", "policy.name", "bp_absent"),
        policy('name = "bp_absent.rules:Rule"'),
    ),
    Case(
        "run-policy-attribute-missing",
        RUN,
        ("run.toml", "policy.name", "'Rule'"),
        policy('name = "bp_attr:Rule"', {"bp_attr.py": NEAREST}),
    ),
    Case(
        "run-policy-not-a-policy",
        RUN,
        ("run.toml", "policy.name", "choose"),
        policy('name = "bp_notpol:Rule"', {"bp_notpol.py": "class Rule:\n    name = 'r'\n"}),
    ),
    Case(
        "run-policy-not-callable",
        RUN,
        ("run.toml", "policy.name", "bp_const:RULE"),
        policy('name = "bp_const:RULE"', {"bp_const.py": "RULE = 'nearest'\n"}),
    ),
    Case(
        "run-policy-unknown-argument",
        RUN,
        ("run.toml", "policy.reserv", "reserve"),
        policy(
            'name = "bp_kw:Rule"\nreserv = 1',
            {
                "bp_kw.py": NEAREST + "class Rule(NearestAvailable):\n"
                "    def __init__(self, *, reserve=1):\n"
                "        self.reserve = reserve\n"
            },
        ),  # fmt: skip
    ),
    Case(
        "run-policy-argument-refused",
        RUN,
        ("run.toml", "policy", "reserve must be"),
        policy(
            'name = "bp_val:make"\nreserve = -1',
            {
                "bp_val.py": NEAREST + "def make(*, reserve=1):\n"
                "    if reserve < 0:\n"
                "        raise ValueError('reserve must be >= 0')\n"
                "    return NearestAvailable()\n"
            },
        ),  # fmt: skip
    ),
    Case(
        "run-policy-module-syntax-error",
        RUN,
        ("run.toml", "policy.name", "SyntaxError"),
        policy('name = "bp_syntax:Rule"', {"bp_syntax.py": "class Rule(:\n"}),
    ),
    Case(
        "exp-run-policy-level-module-missing",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[0]", "bp_exp_absent"),
        exp_level('"bp_exp_absent:Rule"', {}),
    ),
    Case(
        "exp-run-policy-level-not-a-policy",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[0]", "queue_key"),
        exp_level('"bp_exp_notpol:Rule"', {"bp_exp_notpol.py": "class Rule:\n    name = 'r'\n"}),
    ),
    Case(
        "site-policy-module-missing",
        ("site", "run.toml", "--out", "out", "--evaluate", "2"),
        ("run.toml", "policy.name", "bp_site_absent"),
        policy('name = "bp_site_absent:Rule"'),
    ),
]
