"""A blind drill drawn, revealed, verified and scored: the READMEs and docs/drills.md.

A real draw takes its entropy from ``secrets``; the documentation's drills are
drawn with ``--seed 5`` (not shown in the commands) so that they are the same
every time and ``examples/drill_observations.csv`` fits them, and the warning
``--seed`` prints is left out. Digests and times still change from draw to
draw; ``--check`` does not compare them (see :data:`regions.VOLATILE`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from experiments.docsgen.configs import write_variant
from experiments.docsgen.render import Block, Runs, console, fence, read_json
from experiments.docsgen.workspace import Command, Run, Session

DRILL = "examples/drill.toml"
SEED = ("--seed", "5")
ROMAN = ("", "I", "II", "III", "IV")

#: What the README adds to lines the drill commands print, by the line's first word.
NOTES = {
    "en": {
        "participants": "(the alarm, CAP 1.2 status Exercise; {forms} blank report forms, "
        "HTML and .docx)",
        "controllers": "(the inject timeline: CSV, Markdown, HTML)",
        "evaluators": "(GB/T 46792 evaluation plan, observation sheets, the observations "
        "file to fill in, benchmark timeline, map)",
        "form": "(the scored GB/T 46792 form)",
        "report": "(评估报告, with the plan against what happened)",
        "improvements": "(整改清单: shortfall, standard, unit, due date)",
    },
    "zh": {
        "参演人员": "（警情：CAP 1.2 报警，先中文后英文；"
        "{forms} 种信息报告空白模板，HTML 和 .docx）",
        "导调人员": "（情景注入时间表：CSV、Markdown、HTML）",
        "评估人员": "（GB/T 46792 评估方案、观察记录表、待填写的观察记录汇总表、基准时间线、地图）",
    },
}
#: The comments after the README's commands.
COMMENTS = {
    "en": ("# at the start of the drill", "# anyone, afterwards", "# evaluators, after the drill"),
    "zh": ("# 演练开始时", "# 任何人，演练结束后", "# 评估组，演练结束后"),
}


#: The examples reveal right after the draw, as if at the drill's start (a six-no drill is
#: refused before it without --early); the warning --early prints is left out with it.
EARLY = ("--early",)


def _observations(cwd: Path) -> None:
    shutil.copyfile(cwd / "examples/drill_observations.csv", cwd / "observations.csv")


def _keys(cwd: Path) -> None:
    (cwd.parent / "keys").mkdir(exist_ok=True)


def _old_window(cwd: Path) -> None:
    _keys(cwd)
    values = (
        ("drill", "start", "2025-01-06T08:00:00+08:00"),
        ("drill", "end", "2025-03-28T18:00:00+08:00"),
    )
    write_variant(cwd / DRILL, cwd / "old.toml", values=values)
    # The history the drill file names, relative to the file's folder.
    shutil.copyfile(cwd / "examples/drill_history.csv", cwd / "drill_history.csv")


def _readme_session(lang: str) -> Session:
    reveal, verify, score = COMMENTS[lang]
    key = ("--key", "{home}/drill-q4.key")
    return Session(
        f"drill-{lang}",
        (
            Command(
                ("drill", "draw", DRILL, "--out", "drill-q4", *key),
                shown=f"yingji drill draw {DRILL} --out drill-q4 --key ~/drill-q4.key",
                hidden=SEED,
                drop=("--seed",),
            ),
            Command(
                ("drill", "reveal", "drill-q4", *key),
                shown=f"yingji drill reveal drill-q4 --key ~/drill-q4.key        {reveal}",
                hidden=EARLY,
                drop=EARLY,
            ),
            Command(
                ("drill", "verify", "drill-q4"),
                shown=f"yingji drill verify drill-q4                             {verify}",
                drop=("--seed",),  # the test-seed warning the hidden --seed causes
            ),
            Command(
                ("drill", "score", "drill-q4", "--observations", "observations.csv"),
                shown=f"yingji drill score drill-q4 --observations observations.csv   {score}",
            ),
        ),
        lang=lang,
        display=(("home", "~"),),
        prepare=_observations,
    )


README_EN, README_ZH = _readme_session("en"), _readme_session("zh")
DOCS = Session(
    "drill-docs",
    (
        Command(
            ("drill", "draw", DRILL, "--out", "drill-q4", "--key", "{home}/keys/drill-q4.key"),
            shown=f"yingji drill draw {DRILL} --out drill-q4 --key ~/keys/drill-q4.key",
            hidden=SEED,
            drop=("--seed",),
        ),
        Command(
            (
                "drill",
                "reveal",
                "drill-q4",
                "--key",
                "{home}/keys/drill-q4.key",
                "--append-history",
                DRILL,
            ),  # fmt: skip
            # The drill file: its history is the one the next draw's no-repeat rules read.
            shown="yingji drill reveal drill-q4 --key ~/keys/drill-q4.key "
            f"--append-history {DRILL}",
            hidden=EARLY,
            drop=EARLY,
        ),
        Command(
            ("drill", "verify", "drill-q4", "--redraw", DRILL),
            shown=f"yingji drill verify drill-q4 --redraw {DRILL}",
            drop=("--seed",),  # the test-seed warning the hidden --seed causes
        ),
        Command(
            ("drill", "score", "drill-q4", "--observations", "examples/drill_observations.csv")
        ),
    ),
    folder="drills",
    display=(("home", "/home/me"),),
    prepare=_keys,
)
OLD = Session(
    "drill-old",
    (
        Command(
            ("drill", "draw", "old.toml", "--out", "drill-q3", "--key", "{home}/keys/drill-q3.key"),
            shown="yingji drill draw old.toml --out drill-q3 --key ~/keys/drill-q3.key",
            status=2,
        ),
    ),
    folder="drills-old",
    display=(("home", "/home/me"),),
    prepare=_old_window,
)


def _forms(run: Run) -> int:
    return len(list(run.path("drill-q4/revealed/participants/forms").glob("*.html")))


def _readme_block(session: Session) -> Callable[[Runs], str]:
    def render(runs: Runs) -> str:
        run = runs[session.name]
        notes = {k: v.format(forms=_forms(run)) for k, v in NOTES[session.lang].items()}
        return fence(console(run, notes=notes, short_hashes=True), lang="console")

    return render


def _docs_console(
    *commands: int, session: Session = DOCS, short_hashes: bool = False
) -> Callable[[Runs], str]:
    def render(runs: Runs) -> str:
        lines = console(runs[session.name], commands, short_hashes=short_hashes)
        return fence(lines, lang="console")

    return render


def _listing(runs: Runs) -> str:
    """The drill folder after the reveal, the first report form in full, the rest braced."""
    run = runs[DOCS.name]
    folder = run.path("drill-q4")
    files = sorted(
        p.relative_to(folder.parent).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "scored" not in p.relative_to(folder).parts
    )
    order = ("", "revealed", "participants", "forms", "controllers", "evaluators")

    def key(path: str) -> tuple[int, str]:
        parent = path.rsplit("/", 1)[0].split("/")[-1]
        return (order.index(parent if parent in order else ""), path)

    lines: list[str] = []
    for path in sorted(files, key=key):
        stem, _, ext = path.rpartition(".")
        if "/forms/" in path and not path.rsplit("/", 1)[1].startswith("01_"):
            braced = f"{stem}.{{docx,html}}"
            if braced not in lines:
                lines.append(braced)
            continue
        lines.append(path)
    return fence(lines, lang="")


def _drawn(runs: Runs) -> str:
    scene = read_json(runs[DOCS.name].path("drill-q4/revealed/script.json"))["scene"]
    return (
        f"`{DRILL}`, drawn with `--seed 5`: a grade {ROMAN[scene['grade']]} "
        f"{scene['hazard_name'].lower()}"
    )


def _verified(runs: Runs) -> str:
    revealed = runs[DOCS.name].path("drill-q4/revealed")
    return str(sum(1 for p in revealed.rglob("*") if p.is_file()) - 1)  # not the manifest


def _score(runs: Runs) -> str:
    from experiments.drill.gbt_indicators import CONCLUSIONS  # the drill package is heavy

    score = read_json(runs[DOCS.name].path("drill-q4/scored/score.json"))
    label = CONCLUSIONS[score["conclusion"]][1][1]
    return f"scores {score['total']:g}, {label},\nwith {score['improvements']['open']} improvements"


def blocks() -> list[Block]:
    """The generated regions of this module."""
    doc = "docs/drills.md"
    return [
        Block("drill-en", "README.md", (README_EN,), _readme_block(README_EN)),
        Block("drill-zh", "README.zh-CN.md", (README_ZH,), _readme_block(README_ZH)),
        Block("drills-draw", doc, (DOCS,), _docs_console(0)),
        Block("drills-old", doc, (OLD,), _docs_console(0, session=OLD)),
        Block("drills-reveal", doc, (DOCS,), _docs_console(1)),
        Block("drills-drawn", doc, (DOCS,), _drawn),
        Block("drills-files", doc, (DOCS,), _listing),
        Block("drills-verify", doc, (DOCS,), _docs_console(2, short_hashes=True)),
        Block("drills-verified", doc, (DOCS,), _verified),
        Block("drills-score", doc, (DOCS,), _score),
    ]
