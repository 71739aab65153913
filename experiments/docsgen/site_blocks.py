"""Figures of ``yingji site`` on ``examples/siting.toml``: README.md and docs/siting.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from experiments.docsgen.configs import write_variant
from experiments.docsgen.render import Block, Runs, console, fence, num, read_json, read_rows
from experiments.docsgen.workspace import Command, Run, Session
from networks.files import CSV_ENCODING

EXAMPLE = "examples/siting.toml"
P8 = ("--task", "stations", "--p", "8")
WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _site(*args: str, shown: bool = True) -> Command:
    return Command(("site", *args), shown=f"yingji site {' '.join(args)}" if shown else None)


def _nodes_variant(cwd: Path) -> None:
    values = (("siting", "candidates", '"nodes"'),)  # the first [[siting]]: the stations
    write_variant(cwd / EXAMPLE, cwd / "my_siting.toml", values=values)


def _storm_variant(cwd: Path) -> None:
    values = (("scenario", "name", '"rainstorm_72h"'),)
    write_variant(cwd / EXAMPLE, cwd / "storm.toml", values=values)


FIRST = Session("site-first", (_site(EXAMPLE, "--out", "yingji-out/siting"),))
MODELS = Session(
    "site-models",
    tuple(
        _site(EXAMPLE, "--task", "stations", "--model", m, "--out", f"m/{m}", shown=False)
        for m in ("backup", "pmedian", "pcenter")
    ),
    slow=True,  # three runs for three cells of a table
)
LSCP = Session(
    "site-lscp",
    (
        Command(
            (
                "site",
                "my_siting.toml",
                "--task",
                "stations",
                "--model",
                "lscp",
                "--out",
                "yingji-out/lscp",
            ),
            shown="yingji site my_siting.toml --task stations --model lscp --out yingji-out/lscp"
            '   # examples/siting.toml, candidates = "nodes"',
        ),
    ),
    prepare=_nodes_variant,
)
KEEP6 = Session(
    "site-keep6",
    (
        _site(
            EXAMPLE,
            "--task",
            "stations",
            "--fix",
            "current",
            "--p",
            "8",
            "--out",
            "yingji-out/keep6",
        ),
    ),  # fmt: skip
)
SHANGHAI = Session(
    "site-shanghai",
    (_site("examples/shanghai/run.toml", "--out", "yingji-out/shanghai"),),
    slow=True,  # a real road network to load: 8 CPU seconds for six lines
)
EVAL10 = Session(
    "site-eval10", (_site(EXAMPLE, *P8, "--evaluate", "10", "--out", "yingji-out/siting8"),)
)
EVAL3 = Session("site-eval3", (_site(EXAMPLE, *P8, "--evaluate", "3", "--out", "e", shown=False),))
EVAL40 = Session(
    "site-eval40",
    (_site(EXAMPLE, *P8, "--evaluate", "40", "--out", "e", shown=False),),
    slow=True,
)
DEPOTS10 = Session(
    "site-depots10",
    (_site(EXAMPLE, "--task", "depots", "--evaluate", "10", "--out", "yingji-out/depots10"),),
)
STORM10 = Session(
    "site-storm10",
    (_site("storm.toml", "--task", "depots", "--evaluate", "10", "--out", "e", shown=False),),
    prepare=_storm_variant,
)
STORM40 = Session(
    "site-storm40",
    (_site("storm.toml", "--task", "depots", "--evaluate", "40", "--out", "e", shown=False),),
    prepare=_storm_variant,
    slow=True,
)


def _task(run: Run, out: str, task: str) -> tuple[dict, list[dict[str, str]]]:
    """``coverage.json`` and ``sites.csv`` of one task of a run."""
    folder = run.path(out, task)
    return read_json(folder / "coverage.json"), read_rows(folder / "sites.csv")


def _evaluation(run: Run, out: str, task: str) -> dict[str, dict[str, str]]:
    rows = read_rows(run.path(out, task, "evaluation.csv"))
    return {r["metric"]: r for r in rows}


def _objective(session: Session, index: int = 0) -> Callable[[Runs], str]:
    """The objective of a solver line, as the model table quotes it."""

    def render(runs: Runs) -> str:
        text = runs[session.name].outputs[index]
        m = re.search(r"solver: [^,]+, (objective.*?), gap", text)
        if m is None:
            raise ValueError(f"session {session.name}: no solver line")
        return f"`{m.group(1)}`"

    return render


def _candidates(text: str) -> list[str]:
    return re.findall(r"(\d+) candidate sites", text)


def _console(
    session: Session, *, head: int | None = None, indent: str = ""
) -> Callable[[Runs], str]:
    """The session's commands and output (the first ``head`` lines of it)."""

    def render(runs: Runs) -> str:
        lines = console(runs[session.name])
        return fence(lines if head is None else lines[: head + 1], lang="console", indent=indent)

    return render


def _first_spans() -> list[tuple[str, Callable[[Runs], str]]]:
    def stations(runs: Runs) -> tuple[dict, list[dict[str, str]]]:
        return _task(runs[FIRST.name], "yingji-out/siting", "stations")

    def depots(runs: Runs) -> tuple[dict, list[dict[str, str]]]:
        return _task(runs[FIRST.name], "yingji-out/siting", "depots")

    def sizes(runs: Runs) -> str:
        cov, _ = stations(runs)
        return f"**{cov['sizes']['demand_points']} demand points**"

    def candidates(runs: Runs) -> str:
        return f"**{_candidates(runs[FIRST.name].outputs[0])[0]} candidate sites**"

    def depot_candidates(runs: Runs) -> str:
        cov, _ = depots(runs)
        shown = _candidates(runs[FIRST.name].outputs[0])[1]
        landmarks = cov["sizes"]["candidates"] + cov["sizes"]["other_tier_sites"]
        return f"{shown} of\n  the {landmarks} landmarks"

    def objective(runs: Runs) -> str:
        cov, _ = stations(runs)
        return (
            f"{num(cov['solver']['objective'])} of the {num(cov['sizes']['demand_weight'])} "
            "sampled incidents"
        )

    def share(runs: Runs) -> str:
        cov, _ = stations(runs)
        return f"({100 * cov['after']['covered_share']:.1f} %)"

    def moved(runs: Runs) -> str:
        cov, _ = stations(runs)
        return f"Moving {WORDS[cov['after']['new_sites']]} of the {WORDS[cov['before']['sites']]}"

    def coverage(runs: Runs) -> str:
        cov, _ = stations(runs)
        before, after = (100 * cov[k]["covered_share"] for k in ("before", "after"))
        return f"from {before:.1f} % to {after:.1f} %"

    def p90(runs: Runs) -> str:
        cov, _ = stations(runs)
        return f"from {cov['before']['p90_min']:.1f} to {cov['after']['p90_min']:.1f} minutes"

    def chain(runs: Runs) -> str:
        cov, _ = depots(runs)
        return f"{cov['before']['chain_mean_min']:.1f} and {cov['after']['chain_mean_min']:.1f}"

    def chain_to(runs: Runs) -> str:
        cov, _ = depots(runs)
        before, after = cov["before"]["chain_mean_min"], cov["after"]["chain_mean_min"]
        return f"{before:.1f} to {after:.1f} minutes"

    def merged(runs: Runs) -> str:
        cov, rows = depots(runs)
        names = [r["name"].removesuffix(" Depot") for r in rows if r["status"] == "merged"]
        listed = " and ".join(names) if len(names) < 3 else ", ".join(names)
        word = WORDS[cov["after"]["new_sites"]]
        return f"The {word} new depots replace the township depots of {listed}"

    return [
        ("site-first-demand", sizes),
        ("site-first-candidates", candidates),
        ("site-first-depot-candidates", depot_candidates),
        ("site-first-objective", objective),
        ("site-first-share", share),
        ("site-first-moved", moved),
        ("site-first-coverage", coverage),
        ("site-first-p90", p90),
        ("site-first-chain", chain),
        ("site-first-merged", merged),
        ("site-depots-chain", chain_to),
    ]


def _sites_excerpt(runs: Runs) -> str:
    """The header and the first kept, closed and new row of ``sites.csv``."""
    lines = (
        runs[EVAL10.name]
        .path("yingji-out/siting8/stations/sites.csv")
        .read_text(encoding=CSV_ENCODING)
        .splitlines()
    )
    picked, seen = [lines[0]], set()
    at = lines[0].split(",").index("status")
    for line in lines[1:]:
        status = line.split(",")[at]
        if status in ("kept", "closed", "new") and status not in seen:
            seen.add(status)
            picked.append(line)
    return fence([*picked, "..."])


def _eval_spans() -> list[tuple[str, Callable[[Runs], str]]]:
    def p8(runs: Runs) -> tuple[dict, list[dict[str, str]]]:
        return _task(runs[EVAL10.name], "yingji-out/siting8", "stations")

    def other_tiers(runs: Runs) -> str:
        cov, rows = p8(runs)
        total = cov["sizes"]["demand_weight"]
        own = sum(float(r["demand_served"]) for r in rows)
        return f"{num(total - own)} of the {num(total)} sampled incidents"

    def free(runs: Runs) -> str:
        cov, _ = p8(runs)
        return f"{100 * cov['after']['covered_share']:.1f} %"

    def keep_cost(runs: Runs) -> str:
        cov, _ = p8(runs)
        kept, _rows = _task(runs[KEEP6.name], "yingji-out/keep6", "stations")
        gap = 100 * (cov["after"]["covered_share"] - kept["after"]["covered_share"])
        return f"costs {gap:.1f} points"

    def arrival(runs: Runs) -> str:
        r = _evaluation(runs[EVAL10.name], "yingji-out/siting8", "stations")["compliance_arrival"]
        d, lo, hi = (100 * float(r[k]) for k in ("diff", "diff_low", "diff_high"))
        return f"rises by {d:.1f} points ({lo:.1f} to {hi:.1f})"

    def control(runs: Runs) -> str:
        r = _evaluation(runs[EVAL10.name], "yingji-out/siting8", "stations")["compliance_control"]
        return f"about {100 * float(r['diff']):.1f} points"

    return [
        ("site-other-tiers", other_tiers),
        ("site-keep6-free", free),
        ("site-keep6-cost", keep_cost),
        ("site-eval10-arrival", arrival),
        ("site-eval10-control", control),
    ]


def _readme_gain(runs: Runs) -> str:
    r = _evaluation(runs[EVAL10.name], "yingji-out/siting8", "stations")["compliance_arrival"]
    cur, prop, d, lo, hi = (
        100 * float(r[k]) for k in ("current", "proposed", "diff", "diff_low", "diff_high")
    )
    return (
        f"8 stations raise\non-time arrival from {cur:.1f} % to {prop:.1f} % "
        f"(+{d:.1f} points, CI {lo:.1f}–{hi:.1f})"
    )


#: The replications table of docs/siting.md: the runs and the metrics it shows.
REPLICATIONS = ((3, EVAL3), (10, EVAL10), (40, EVAL40))
TABLE_METRICS = ("compliance_arrival", "compliance_control", "compliance_all_three")


def _replications_table(runs: Runs) -> str:
    head = "| `--evaluate` | " + " | ".join(f"`{m}` difference" for m in TABLE_METRICS) + " |"
    lines = [head, "|---|---|---|---|"]
    for r, session in REPLICATIONS:
        out = "yingji-out/siting8" if session is EVAL10 else "e"
        rows = _evaluation(runs[session.name], out, "stations")
        cells = []
        for i, metric in enumerate(TABLE_METRICS):
            row = rows[metric]
            d, lo, hi = (100 * float(row[k]) for k in ("diff", "diff_low", "diff_high"))
            unit = " pts" if i == 0 else ""
            cells.append(f"{d:.1f} [{lo:.1f}, {hi:.1f}]{unit}, {row['verdict']}")
        lines.append(f"| {r} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _mean_arrival(runs: Runs) -> str:
    ten = _evaluation(runs[EVAL10.name], "yingji-out/siting8", "stations")
    forty = _evaluation(runs[EVAL40.name], "e", "stations")
    a, b = (float(x["intervals_arrival_mean"]["current"]) for x in (ten, forty))
    return f"{a:.1f} minutes for the current siting with 10\nreplications, {b:.1f} with 40"


def _table_rows(text: str) -> list[str]:
    """The rows of the printed evaluation table (after its header, before ``wrote``)."""
    lines = text.rstrip("\n").split("\n")
    start = next(i for i, line in enumerate(lines) if "difference [95% CI]" in line)
    return [line for line in lines[start + 1 :] if line.strip() and "wrote " not in line]


def _depots10(runs: Runs) -> str:
    run = runs[DEPOTS10.name]
    lines = [f"$ {run.session.commands[0].shown}", "...", *_table_rows(run.outputs[0])]
    return fence(lines, lang="console")


def _storm10(runs: Runs) -> str:
    r = _evaluation(runs[STORM10.name], "e", "depots")["supply_delivery_mean"]
    d, lo, hi = (float(r[k]) for k in ("diff", "diff_low", "diff_high"))
    return f"(`supply_delivery_mean` {d:+.2f} [{lo:.2f}, {hi:.2f}], {r['verdict']})"


def _storm40(runs: Runs) -> str:
    text = runs[STORM40.name].outputs[0]
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "paired replications" in line)
    return fence([*lines[start : start + 2], *_table_rows(text)])


def _lscp_sites(runs: Runs) -> str:
    cov, _ = _task(runs[LSCP.name], "yingji-out/lscp", "stations")
    return f"takes {cov['after']['sites']} township stations"


def blocks() -> list[Block]:
    """The generated regions of this module."""
    doc = "docs/siting.md"
    out = [
        Block("siting-gain-en", "README.md", (EVAL10,), _readme_gain),
        Block("site-first", doc, (FIRST,), _console(FIRST)),
        Block("site-objective-lscp", doc, (LSCP,), _objective(LSCP)),
        Block("site-objective-mclp", doc, (FIRST,), _objective(FIRST)),
        Block("site-objective-backup", doc, (MODELS,), _objective(MODELS, 0)),
        Block("site-objective-pmedian", doc, (MODELS,), _objective(MODELS, 1)),
        Block("site-objective-pcenter", doc, (MODELS,), _objective(MODELS, 2)),
        Block("site-objective-hierarchy", doc, (FIRST,), _hierarchy_objective),
        Block("site-lscp", doc, (LSCP,), _console(LSCP, head=7, indent="  ")),
        Block("site-lscp-sites", doc, (LSCP,), _lscp_sites),
        Block("site-sites-csv", doc, (EVAL10,), _sites_excerpt),
        Block("site-keep6", doc, (KEEP6,), _console(KEEP6)),
        Block("site-shanghai", doc, (SHANGHAI,), _console(SHANGHAI, head=6)),
        Block("site-eval10", doc, (EVAL10,), _console(EVAL10)),
        Block("site-replications", doc, (EVAL3, EVAL10, EVAL40), _replications_table),
        Block("site-mean-arrival", doc, (EVAL10, EVAL40), _mean_arrival),
        Block("site-depots10", doc, (DEPOTS10,), _depots10),
        Block("site-storm10", doc, (STORM10,), _storm10),
        Block("site-storm40", doc, (STORM40,), _storm40),
    ]
    for name, render in _first_spans():
        out.append(Block(name, doc, (FIRST,), render))
    for name, render in _eval_spans():
        sessions = (EVAL10, KEEP6) if name.startswith("site-keep6") else (EVAL10,)
        out.append(Block(name, doc, sessions, render))
    return out


def _hierarchy_objective(runs: Runs) -> str:
    # The depots task is the second of the first run; its objective has the same form.
    text = runs[FIRST.name].outputs[0]
    found = re.findall(r"solver: [^,]+, (objective.*?), gap", text)
    return f"`{found[1]}`"
