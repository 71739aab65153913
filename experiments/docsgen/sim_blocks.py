"""Figures of ``yingji demo``, ``yingji run`` and the reporting experiment.

In README.md, README.zh-CN.md and docs/simulation.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from experiments.docsgen.configs import write_variant
from experiments.docsgen.render import (
    Block,
    Runs,
    across,
    after_header,
    fence,
    minus,
    num,
    read_json,
    read_rows,
    wrap,
)
from experiments.docsgen.workspace import Command, Session

SIMDOC = (("root", "/tmp"),)


def _demo(lang: str) -> Session:
    return Session(f"demo-{lang}", (Command(("demo",), shown="yingji demo"),), lang=lang)


DEMO_EN, DEMO_ZH = _demo("en"), _demo("zh")
#: docs/simulation.md shows the README's English demo whole (one run of the demo for both).
SIM_DEMO = DEMO_EN


def _county_alone(cwd: Path) -> None:
    write_variant(cwd / "examples/county.toml", cwd / "alone.toml", drop=("reinforcement",))


SIM_COUNTY = Session(
    "sim-county",
    (
        Command(("run", "examples/county.toml", "--out", "{root}/simdoc/county")),
        # "The same file without its [reinforcement] table gives ..."
        Command(("run", "alone.toml", "--out", "{root}/simdoc/alone")),
    ),
    display=SIMDOC,
    prepare=_county_alone,
)
#: In this process (the results do not depend on workers), with the records for the late
#: reports by desk level.
REPORT_RUN = ("experiment", "run", "examples/reporting.toml", "--out", "rep1", "--records")
REPORTING = Session("reporting", (Command(REPORT_RUN), Command(("experiment", "report", "rep1"))))


# --- yingji demo -----------------------------------------------------------------------


def _wrapped(lines: list[str]) -> list[str]:
    """The printed lines with the long stock-out list wrapped for the page."""
    out: list[str] = []
    for line in lines:
        out.extend(wrap(line) if line.startswith(("stock-outs", "物资短缺")) else [line])
    return out


def _demo_block(session: Session) -> Callable[[Runs], str]:
    return lambda runs: fence(_wrapped(after_header(runs[session.name].lines())))


def _sim_demo(runs: Runs) -> str:
    return fence(_wrapped(runs[SIM_DEMO.name].lines()), lang="")


def _demo_summary(runs: Runs) -> dict:
    return read_json(runs[SIM_DEMO.name].path("yingji-demo", "summary.json"))


def _busiest(summary: dict) -> float:
    committed = [
        v["mean"]
        for k, v in summary["across_replications"].items()
        if k.startswith("utilisation_") and k.endswith("_committed")
    ]
    return max(committed)


def _demo_spans() -> list[tuple[str, Callable[[dict], str]]]:
    def pct(s: dict, key: str, digits: int = 0) -> str:
        return f"{100 * across(s, key):.{digits}f} %"

    return [
        ("sim-demo-call", lambda s: f"About {pct(s, 'compliance_call_taking')}"),
        (
            "sim-demo-arrival",
            lambda s: (
                f"for {pct(s, 'compliance_arrival', 1)} of incidents\n"
                f"(median {across(s, 'intervals_arrival_median'):.1f} minutes, "
                f"mean {across(s, 'intervals_arrival_mean'):.1f}, "
                f"90th percentile {across(s, 'intervals_arrival_p90'):.1f})"
            ),
        ),
        ("sim-demo-control", lambda s: f"({pct(s, 'compliance_control')})"),
        ("sim-demo-all", lambda s: f"only {pct(s, 'compliance_all_three')}"),
        ("sim-demo-busiest", lambda s: f"about {100 * _busiest(s):.0f} %"),
    ]


# --- yingji run examples/county.toml ---------------------------------------------------


def _county_block(runs: Runs) -> str:
    return fence(_wrapped(runs[SIM_COUNTY.name].lines(0)), lang="")


def _county_files(runs: Runs) -> tuple[dict, dict]:
    root = runs[SIM_COUNTY.name].root / "simdoc"
    return read_json(root / "county" / "summary.json"), read_json(root / "alone" / "summary.json")


def _county_corps(runs: Runs) -> str:
    with_corps, _alone = _county_files(runs)
    reps = with_corps["replications"]
    called = [num(r["reinforcement_called_min"]) for r in reps]
    arrived = [num(r["reinforcement_arrived_min"]) for r in reps]
    aid = [100 * r["mutual_aid_share"] for r in reps]

    def listed(xs: list[str]) -> str:
        return ", ".join(xs[:-1]) + " and " + xs[-1]

    return (
        f"called at minute {listed(called)} of the three replications and arrived at "
        f"{listed(arrived)}; {min(aid):.0f}-{max(aid):.0f} % of dispatches"
    )


def _county_alone_span(runs: Runs) -> str:
    _with, alone = _county_files(runs)
    return (
        f"gives {100 * across(alone, 'compliance_arrival'):.1f} % within target, a mean "
        f"arrival of {num(across(alone, 'intervals_arrival_mean'))} minutes and a 90th "
        f"percentile of {num(across(alone, 'intervals_arrival_p90'))} minutes"
    )


def _county_tail(runs: Runs) -> str:
    with_corps, _alone = _county_files(runs)
    return f"about {across(with_corps, 'intervals_arrival_p90') / 60:.0f} hours"


def _county_median(runs: Runs) -> str:
    with_corps, _alone = _county_files(runs)
    return f"{across(with_corps, 'intervals_arrival_median'):.0f} minutes"


# --- the reporting experiment (examples/reporting.toml) --------------------------------


def _analysis(runs: Runs) -> tuple[dict[tuple[str, str], float], dict[str, tuple[float, ...]]]:
    run = runs[REPORTING.name]
    means = {
        (r["point_id"], r["metric"]): float(r["mean"])
        for r in read_rows(run.path("rep1", "analysis", "points.csv"))
    }
    paired = {
        r["metric"]: (float(r["diff"]), float(r["ci_low"]), float(r["ci_high"]))
        for r in read_rows(run.path("rep1", "analysis", "paired.csv"))
        if r["point_id"] == "p001"
    }
    return means, paired


def _late_by_desk(runs: Runs) -> dict[tuple[str, str], float]:
    """Late reports per run by the level of the desk that wrote them, per design point."""
    run = runs[REPORTING.name]
    late: dict[tuple[str, str], list[float]] = defaultdict(list)
    for point in ("p000", "p001"):
        for path in sorted(run.path("rep1", "runs", point).glob("r*.npz")):
            with np.load(path, allow_pickle=False) as z:
                levels, is_late = z["reports/from_level"], z["reports/late"].astype(bool)
            for level in ("township", "county"):
                late[(point, level)].append(float(np.sum(is_late & (levels == level))))
    return {k: float(np.mean(v)) for k, v in late.items()}


def _decimals(values: tuple[float, ...]) -> int:
    """Decimals that show two significant digits of the largest value (at least one)."""
    top = max(abs(v) for v in values)
    return 1 if top == 0 else max(1, 1 - int(np.floor(np.log10(top))))


#: The rows of the table in docs/simulation.md: metric, what follows its name, kind.
REPORTING_ROWS = (
    ("reporting_late", " (reports per run)", "count"),
    ("reporting_missed", "", "count"),
    ("reporting_on_time_phone_first_share", "", "share"),
    ("reporting_on_time_written_first_share", "", "share"),
    ("duty_call_wait_mean", " (minutes)", "minutes"),
    ("duty_utilisation_township", "", "share"),
    ("duty_utilisation_county", "", "share"),
)


#: The follow-up rows of the by-grade table in docs/simulation.md.
FOLLOW_UP_ROWS = (
    ("reporting_on_time_follow_up_share", "", "share"),
    ("reporting_on_time_by_grade_follow_up_3_share", "", "share"),
    ("reporting_on_time_by_grade_follow_up_4_share", "", "share"),
)


def _reporting_table(runs: Runs, rows: tuple[tuple[str, str, str], ...] = REPORTING_ROWS) -> str:
    means, paired = _analysis(runs)
    lines = [
        "| metric | 1 officer | 3 officers | paired difference (95 % CI) |",
        "|---|---|---|---|",
    ]
    for metric, note, kind in rows:
        a, b = means[("p000", metric)], means[("p001", metric)]
        diff = paired[metric]
        scale = 100.0 if kind == "share" else 1.0
        d = _decimals(tuple(scale * v for v in diff))
        if kind == "share":
            cells = [f"{100 * a:.1f} %", f"{100 * b:.1f} %"]
            unit = " points"
        else:
            digits = 1 if kind == "count" else d
            cells = [f"{x:.{digits}f}" if x else "0" for x in (a, b)]
            unit = ""
        dd, lo, hi = (f"{scale * v:.{d}f}" for v in diff)
        change = minus(f"{'+' if diff[0] > 0 else ''}{dd}{unit} ({lo} to {hi})")
        lines.append(f"| `{metric}`{note} | {cells[0]} | {cells[1]} | {change} |")
    return "\n".join(lines)


def _late_sentence(lang: str) -> Callable[[Runs], str]:
    def render(runs: Runs) -> str:
        means, paired = _analysis(runs)
        a, b = means[("p000", "reporting_late")], means[("p001", "reporting_late")]
        d, lo, hi = (minus(f"{v:.0f}") for v in paired["reporting_late"])
        if lang == "zh":
            return (
                f"平均每次仿真的迟报由{a:.0f}份降至{b:.0f}份\n"
                f"（配对差值 {d}，95% 置信区间 {lo} 至 {hi}）"
            )
        return (
            f"late reports\nfrom {a:.0f} to {b:.0f} per run (paired difference {d}, "
            f"95 % CI {lo} to {hi})"
        )

    return render


def _township_busy(runs: Runs) -> str:
    means, _paired = _analysis(runs)
    return f"{100 * means[('p000', 'duty_utilisation_township')]:.0f} % busy"


def _late_township(runs: Runs) -> str:
    late = _late_by_desk(runs)
    return (
        f"({late[('p000', 'township')]:.0f} late reports per run to "
        f"{late[('p001', 'township')]:.1f})"
    )


def _late_county(runs: Runs) -> str:
    late = _late_by_desk(runs)
    return f"({late[('p000', 'county')]:.0f} to {late[('p001', 'county')]:.0f})"


def blocks() -> list[Block]:
    """The generated regions of this module."""
    sim = "docs/simulation.md"
    out = [
        Block("demo-en", "README.md", (DEMO_EN,), _demo_block(DEMO_EN)),
        Block("demo-zh", "README.zh-CN.md", (DEMO_ZH,), _demo_block(DEMO_ZH)),
        Block("reporting-late-en", "README.md", (REPORTING,), _late_sentence("en")),
        Block("reporting-late-zh", "README.zh-CN.md", (REPORTING,), _late_sentence("zh")),
        Block("sim-demo", sim, (SIM_DEMO,), _sim_demo),
        Block("sim-county", sim, (SIM_COUNTY,), _county_block),
        Block("sim-county-corps", sim, (SIM_COUNTY,), _county_corps),
        Block("sim-county-alone", sim, (SIM_COUNTY,), _county_alone_span),
        Block("sim-county-tail", sim, (SIM_COUNTY,), _county_tail),
        Block("sim-county-median", sim, (SIM_COUNTY,), _county_median),
        Block("sim-reporting-table", sim, (REPORTING,), _reporting_table),
        Block(
            "sim-reporting-follow-ups",
            sim,
            (REPORTING,),
            lambda runs: _reporting_table(runs, FOLLOW_UP_ROWS),
        ),  # fmt: skip
        Block("sim-reporting-busy", sim, (REPORTING,), _township_busy),
        Block("sim-reporting-township", sim, (REPORTING,), _late_township),
        Block("sim-reporting-county", sim, (REPORTING,), _late_county),
    ]
    for name, span in _demo_spans():
        out.append(Block(name, sim, (SIM_DEMO,), lambda runs, f=span: f(_demo_summary(runs))))
    return out
