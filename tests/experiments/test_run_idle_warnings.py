"""``[warnings]`` on a scenario that issues none says so, rather than print a table of zeros."""

from __future__ import annotations

from experiments.cli import main

CONFIG = """[network]
synthetic = "county"
[scenario]
name = "{scenario}"
[run]
replications = 1
horizon_min = {horizon}
[warnings]
lead_h = 6
"""
IDLE = "no warning was issued in any replication"


def _run(tmp_path, capsys, scenario: str, horizon: int) -> tuple[int, str]:
    cfg = tmp_path / f"{scenario}.toml"
    cfg.write_text(CONFIG.format(scenario=scenario, horizon=horizon), encoding="utf-8")
    code = main(["--lang", "en", "run", str(cfg), "--out", str(tmp_path / scenario),
                 "--no-plots", "--quiet"])  # fmt: skip
    return code, capsys.readouterr().err


def test_a_plan_no_warning_triggers_is_named_in_one_line(tmp_path, capsys):
    code, err = _run(tmp_path, capsys, "earthquake_m6", 1440)
    assert code == 0
    lines = [line for line in err.splitlines() if IDLE in line]
    assert len(lines) == 1 and "earthquake_m6.toml" in lines[0] and "warnings" in lines[0]


def test_a_plan_a_typhoon_triggers_is_not_called_idle(tmp_path, capsys):
    code, err = _run(tmp_path, capsys, "typhoon_landfall", 2880)
    assert code == 0 and IDLE not in err
    warned = (tmp_path / "typhoon_landfall" / "records" / "rep-000" / "warnings.csv").read_text()
    assert len(warned.strip().splitlines()) > 1  # the typhoon's warning and what its plan did
