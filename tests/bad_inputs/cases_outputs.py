"""Bad output paths and command-line numbers for run, demo, site, network and scenario."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.bad_inputs.harness import EXAMPLES, Case, write

#: A small, fast run config (the built-in county, a typical week, one replication).
SMALL_RUN = """name = "small"
[network]
synthetic = "county"
[scenario]
name = "typical_week"
[run]
seed = 1
replications = 1
"""


def small(tmp: Path) -> None:
    write(tmp, "run.toml", SMALL_RUN)


def small_and_file(tmp: Path) -> None:
    small(tmp)
    write(tmp, "afile", "not a folder\n")


def small_and_user_folder(tmp: Path) -> None:
    small(tmp)
    write(tmp, "mine/notes.txt", "my own notes\n")


def small_and_earlier_run(tmp: Path) -> None:
    small(tmp)
    write(tmp, "out/.yingji-output", '{"command": "run", "files": ["summary.json"]}\n')
    write(tmp, "out/summary.json", "{}\n")


def small_and_read_only(tmp: Path) -> None:
    small(tmp)
    (tmp / "ro").mkdir()
    (tmp / "ro").chmod(0o555)


def siting_named(name: str):
    def setup(tmp: Path) -> None:
        small(tmp)
        with open(tmp / "run.toml", "a") as fh:
            fh.write(f'[siting]\nname = "{name}"\nfacility = "stations"\n')
        write(tmp, "victim/keep.txt", "mine\n")

    return setup


def siting_samples(tmp: Path) -> None:
    small(tmp)
    with open(tmp / "run.toml", "a") as fh:
        fh.write('[siting]\nfacility = "stations"\ndemand_samples = 100000000\n')


def event_elsewhere(tmp: Path) -> None:
    text = (EXAMPLES / "scenarios" / "dam_break_drill.toml").read_text(encoding="utf-8")
    old = 'at = { at = "centre", dx = 8000, dy = 8000 }'
    assert old in text
    write(tmp, "s.toml", text.replace(old, "at = { lon = 121.50, lat = 31.23 }", 1))
    shutil.copy(EXAMPLES / "scenarios" / "my_hazards.toml", tmp / "my_hazards.toml")


CASES = [
    Case(
        "scenario-event-off-network",
        ("scenario", "sample", "s.toml", "--seed", "1", "-o", "x.csv"),
        ("s.toml", "events[0].at"),
        event_elsewhere,
    ),
    Case("run-out-dot", ("run", "run.toml", "--out", "."), ("--out",), small),
    Case("run-out-dot-slash", ("run", "run.toml", "--out", "./"), ("--out",), small),
    Case("run-out-empty", ("run", "run.toml", "--out", ""), ("--out",), small),
    Case("run-out-parent-of-here", ("run", "run.toml", "--out", "sub/.."), ("--out",), small),
    Case("demo-out-dot", ("demo", "--out", "."), ("--out",)),
    Case("site-out-empty", ("site", "run.toml", "--out", ""), ("--out",), small),
    Case(
        "site-task-name-escapes",
        ("site", "run.toml", "--out", "o"),
        ("run.toml", "siting.name"),
        siting_named("../victim"),
    ),
    Case(
        "site-task-name-absolute",
        ("site", "run.toml", "--out", "o"),
        ("run.toml", "siting.name"),
        siting_named("/tmp/victim"),
    ),
    Case(
        "site-task-name-dot",
        ("site", "run.toml", "--out", "o"),
        ("run.toml", "siting.name"),
        siting_named("."),
    ),
    Case(
        "site-task-name-empty",
        ("site", "run.toml", "--out", "o"),
        ("run.toml", "siting.name"),
        siting_named(""),
    ),
    Case(
        "site-task-unknown",
        ("site", "run.toml", "--task", "nope", "--out", "o"),
        ("--task", "nope"),
        small,
    ),
    Case(
        "site-demand-samples-huge",
        ("site", "run.toml", "--out", "o"),
        ("run.toml", "siting.demand_samples"),
        siting_samples,
    ),
    Case(
        "network-build-not-graphml",
        ("network", "build", "--synthetic", "county", "-o", "x.txt"),
        ("x.txt", "--output"),
    ),
    Case(
        "network-plot-not-image",
        ("network", "plot", "x.graphml", "-o", "x.txt"),
        ("x.txt", "--output"),
    ),
    Case(
        "run-out-read-only-fs",
        ("run", "run.toml", "--out", "/sys/yingji-out"),
        ("/sys", "--out"),
        small,
    ),
    Case(
        "run-out-read-only-folder",
        ("run", "run.toml", "--out", "ro/out"),
        ("ro", "--out"),
        small_and_read_only,
        extra={"not_as_root": True},
    ),
    Case(
        "experiment-out-read-only-fs",
        ("experiment", "run", "{ex}/experiment.toml", "--out", "/sys/yingji-exp"),
        ("/sys", "--out"),
    ),
    Case("demo-out-read-only-fs", ("demo", "--out", "/sys/yingji-demo"), ("/sys", "--out")),
    Case(
        "site-out-read-only-fs",
        ("site", "run.toml", "--out", "/sys/yingji-site"),
        ("/sys", "--out"),
        small,
    ),
    Case(
        "network-build-read-only-fs",
        ("network", "build", "--synthetic", "county", "-o", "/sys/x.graphml"),
        ("/sys", "--output"),
    ),
    Case(
        "run-out-is-file", ("run", "run.toml", "--out", "afile"), ("afile", "--out"), small_and_file
    ),
    Case(
        "run-out-under-file",
        ("run", "run.toml", "--out", "afile/sub"),
        ("afile", "--out"),
        small_and_file,
    ),
    Case(
        "run-out-user-folder",
        ("run", "run.toml", "--out", "mine"),
        ("mine", "--out"),
        small_and_user_folder,
    ),
    Case(
        "run-out-earlier-run",
        ("run", "run.toml", "--out", "out"),
        ("out", "--overwrite"),
        small_and_earlier_run,
    ),
    Case(
        "run-replications-zero",
        ("run", "run.toml", "--replications", "0"),
        ("--replications",),
        small,
    ),
    Case(
        "run-replications-huge",
        ("run", "run.toml", "--replications", str(10**12)),
        ("--replications",),
        small,
    ),
    Case("run-seed-negative", ("run", "run.toml", "--seed", "-3"), ("--seed",), small),
    Case("run-seed-huge", ("run", "run.toml", "--seed", str(2**70)), ("--seed",), small),
    Case("run-seed-text", ("run", "run.toml", "--seed", "abc"), ("--seed",), small),
    Case("demo-replications-zero", ("demo", "--replications", "0"), ("--replications",)),
    Case("demo-out-is-file", ("demo", "--out", "afile"), ("afile", "--out"), small_and_file),
    Case(
        "demo-out-earlier-run",
        ("demo", "--out", "out"),
        ("out", "--overwrite"),
        small_and_earlier_run,
    ),
    Case(
        "site-out-is-file",
        ("site", "run.toml", "--out", "afile"),
        ("afile", "--out"),
        small_and_file,
    ),
    Case("site-evaluate-zero", ("site", "run.toml", "--evaluate", "0"), ("--evaluate",), small),
    Case("site-p-negative", ("site", "run.toml", "--p", "-1"), ("--p",), small),
    Case(
        "site-time-limit-inf", ("site", "run.toml", "--time-limit", "inf"), ("--time-limit",), small
    ),
    Case(
        "site-standard-nan",
        ("site", "run.toml", "--standard-min", "nan"),
        ("--standard-min",),
        small,
    ),
    Case(
        "network-build-output-dir",
        ("network", "build", "--synthetic", "county", "-o", "."),
        ("--output",),
    ),
    Case(
        "network-build-under-file",
        ("network", "build", "--synthetic", "county", "-o", "afile/x.graphml"),
        ("afile", "--output"),
        small_and_file,
    ),
    Case(
        "network-build-grid-one",
        ("network", "build", "--synthetic", "county", "--grid", "1", "-o", "x.graphml"),
        ("--grid",),
    ),
    Case(
        "scenario-sample-seed-negative",
        ("scenario", "sample", "typical_week", "--seed", "-1", "-o", "s.csv"),
        ("--seed",),
    ),
    Case(
        "scenario-sample-out-dir",
        ("scenario", "sample", "typical_week", "--seed", "1", "--out", "."),
        ("--out",),
    ),
    Case(
        "scenario-sample-plot-under-file",
        (
            "scenario",
            "sample",
            "typical_week",
            "--seed",
            "1",
            "--out",
            "s.csv",
            "--plot",
            "afile/m.png",
        ),
        ("afile", "--plot"),
        small_and_file,
    ),
]
