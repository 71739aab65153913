"""Library code logs; the CLI shows yingji's log messages on stderr, and only while it runs."""

from __future__ import annotations

import ast
import io
import logging
import sys

from hypothesis import given
from hypothesis import strategies as st

from experiments.batch import run_experiment
from experiments.cli import LOGGED_PACKAGES, main, show_log_messages
from networks import i18n
from tests.conftest import REPO
from tests.experiments.test_experiment_batch import fake_replicate, make_spec
from tests.experiments.test_experiment_resume import SMALL

LEVELS = st.sampled_from([logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR])
#: Any one-line message, %-signs and braces included (they must come out as written).
MESSAGES = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
)


@given(level=LEVELS, message=MESSAGES, name=st.sampled_from(LOGGED_PACKAGES))
def test_the_cli_shows_information_bare_and_warnings_marked(level, message, name):
    stream, saved = io.StringIO(), sys.stderr
    sys.stderr = stream
    try:
        with i18n.language("en"), show_log_messages():
            logging.getLogger(f"{name}.somewhere").log(level, message)
    finally:
        sys.stderr = saved
    shown = stream.getvalue()
    if level < logging.INFO:
        assert shown == ""
    elif level == logging.INFO:
        assert shown == message + "\n"
    elif level == logging.WARNING:
        assert shown == f"yingji: warning: {message}\n"
    else:
        # One line: the whole line's whitespace collapsed (a blank message leaves none).
        assert shown == " ".join(f"yingji: error: {message}".split()) + "\n"


def test_logging_is_left_as_it_was_and_other_libraries_are_not_shown(capsys):
    loggers = [logging.getLogger(n) for n in LOGGED_PACKAGES]
    before = [(lg.level, list(lg.handlers)) for lg in loggers]
    with show_log_messages():
        logging.getLogger("matplotlib.font_manager").info("not ours")
        logging.getLogger("experiments.batch").info("ours")
    assert [(lg.level, list(lg.handlers)) for lg in loggers] == before
    logging.getLogger("experiments.batch").warning("after the command")
    err = capsys.readouterr().err
    assert "ours\n" in err and "not ours" not in err
    assert "yingji: warning: after the command" not in err


def test_damaged_replication_files_are_a_logged_warning(tmp_path, caplog):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path, replications=1), out, replicate=fake_replicate)
    damaged = sorted((out / "runs").rglob("r00000.json"))[0]
    damaged.write_text('{"point": 0')  # cut short by a crash
    caplog.clear()
    res = run_experiment(make_spec(tmp_path, replications=1), out, replicate=fake_replicate)
    assert res.ran == 1
    (record,) = [r for r in caplog.records if r.name == "experiments.batch"]
    assert record.levelno == logging.WARNING
    rel = damaged.relative_to(out).as_posix()
    assert f"damaged replication files ({rel})" in record.getMessage()
    assert not record.getMessage().startswith("yingji:")  # the CLI adds the prefix


def test_the_command_line_still_shows_library_warnings(tmp_path, capsys):
    exp = tmp_path / "exp.toml"
    exp.write_text(SMALL.format(reps=1))
    out = tmp_path / "out"
    assert main(["experiment", "run", str(exp), "--out", str(out), "--quiet"]) == 0
    (out / "runs" / "p000" / "r00000.json").write_text("")
    capsys.readouterr()
    assert main(["experiment", "run", str(exp), "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "damaged" in x)
    assert line.startswith(f"yingji: warning: {out}: damaged replication files")


#: Modules whose job is to print: the command line, and the demo's report (see demo.py).
#: A module run as a script (``if __name__ == "__main__":``) is a command too.
PRINTING = ("experiments/cli.py", "experiments/__main__.py", "experiments/demo.py")


def test_library_modules_log_instead_of_printing():
    printing = []
    for pkg in LOGGED_PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            text = path.read_text(encoding="utf-8")
            script = 'if __name__ == "__main__":' in text
            if script or rel in PRINTING or rel.startswith("experiments/commands/"):
                continue
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                    printing.append(f"{rel}:{node.lineno}")
                # sys.stderr.write(...); a progress line's stream (sys.stderr) is not a message.
                if isinstance(node, ast.Attribute) and node.attr == "write":
                    if ast.unparse(node.value) in ("sys.stdout", "sys.stderr"):
                        printing.append(f"{rel}:{node.lineno} ({ast.unparse(node)})")
    assert not printing, f"library code should log through logging: {printing}"
