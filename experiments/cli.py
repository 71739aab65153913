"""The ``yingji`` command line: thin wrappers over library functions.

Each sub-command lives in a module of :mod:`experiments.commands` that
registers its parser and calls one library function. A
:class:`networks.errors.YingjiError` (a user's mistake) becomes one line on
stderr and exit status 2, never a traceback. Library modules log through
:mod:`logging`; for the length of a command, :func:`main` shows their
messages on stderr (``yingji: warning: ...`` for warnings, the bare message
for information) and leaves logging as it found it afterwards.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import NoReturn

from experiments.worker_guard import WorkerLost
from networks import __version__, i18n
from networks.errors import YingjiError
from networks.i18n import N_, _, os_reason

#: Modules with a ``register(subparsers)`` function, in help order.
COMMANDS = (
    "experiments.commands.network",
    "experiments.commands.run",
    "experiments.commands.replay",
    "experiments.commands.scenario",
    "experiments.commands.drill",
    "experiments.commands.experiment",
    "experiments.commands.site",
    "experiments.commands.examples",
)

#: Packages whose log messages a command shows (other libraries' loggers are left alone).
LOGGED_PACKAGES = ("networks", "scenarios", "sim", "experiments")


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the option, exit status 2.

    argparse prints the usage before the error; a user reads the one line that
    says what is wrong (``--help`` still shows the usage).
    """

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE`` on one line and exit with status 2."""
        line = _("{prog}: error: {message}").format(prog=self.prog, message=message)
        sys.stderr.write(" ".join(line.split()) + "\n")
        sys.exit(2)

    def format_help(self) -> str:
        """The help, each section heading ending in the language's colon (选项：)."""
        text = super().format_help()
        for group in self._action_groups:
            if group.title:  # argparse writes "TITLE:" itself, past the catalogue
                heading = _("{heading}:").format(heading=group.title)
                text = text.replace(f"\n{group.title}:\n", f"\n{heading}\n")
        return text


#: argparse's own messages, marked so that the catalogue carries their Chinese
#: (argparse looks them up through its module's ``_`` at the moment it shows them).
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("ignored explicit argument %r"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("%(prog)s: error: %(message)s\n"),
)


def _argparse_speaks_our_language() -> None:
    # argparse translates through module-level gettext functions; point them at ours.
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


class _QuietParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def _early_language(argv: Sequence[str]) -> str | None:
    """The ``--lang`` of a command line, read first: the parser's help is in that language."""
    pre = _QuietParser(add_help=False)
    pre.add_argument("--lang", default=None)
    try:
        known, _rest = pre.parse_known_args(list(argv))
    except ValueError:  # the real parser says what is wrong, in one line
        return None
    return known.lang


def _error_line(message: str) -> str:
    """``yingji: error: MESSAGE`` on one line, in the language in use."""
    return " ".join(_("yingji: error: {message}").format(message=message).split())


class _LevelPrefix(logging.Formatter):
    """A log record as a user reads it: warnings and errors say so, information is bare."""

    def format(self, record: logging.LogRecord) -> str:
        """One line (plus a traceback, if the record carries one) in the language in use."""
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            message = _error_line(message)
        elif record.levelno >= logging.WARNING:
            message = _("yingji: warning: {message}").format(message=message)
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        return message


def stderr_handler() -> logging.Handler:
    """A handler writing yingji's log records to ``sys.stderr`` as the command line shows them."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LevelPrefix())
    return handler


@contextlib.contextmanager
def show_log_messages(*, level: int = logging.INFO) -> Iterator[logging.Handler]:
    """Show yingji's log messages on stderr while the block runs.

    A handler on the loggers of :data:`LOGGED_PACKAGES` (not the root logger, so
    other libraries and an embedding application keep their settings); the
    loggers' levels and handlers are restored afterwards, as ``main`` may run
    many times in one process.

    Parameters
    ----------
    level
        The least severe level shown.

    Yields
    ------
    logging.Handler
        The handler (writing to the ``sys.stderr`` of the moment the block starts).
    """
    handler = stderr_handler()
    loggers = [logging.getLogger(name) for name in LOGGED_PACKAGES]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(level)
    try:
        yield handler
    finally:
        for lg, old in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(old)


@contextlib.contextmanager
def tolerant_output() -> Iterator[None]:
    """Let ``sys.stdout`` and ``sys.stderr`` replace what their encoding cannot write.

    Python writes a redirected stream in the locale's code page, strictly: on Chinese
    Windows that is GBK (cp936), which lacks some characters (the minus sign U+2212, a
    superscript two, a place name in another script), and one of them in a printed line
    would end a finished run with a traceback, its output folder thrown away. For the
    length of the block, a stream in a non-UTF-8 encoding with strict errors writes ``?``
    in their place; a UTF-8 stream is left exactly as it is.
    """
    changed = []
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if getattr(stream, "errors", None) != "strict" or not hasattr(stream, "reconfigure"):
            continue
        try:
            utf8 = codecs.lookup(encoding or "").name == "utf-8"
        except LookupError:
            utf8 = False
        if not utf8:
            stream.reconfigure(errors="replace")
            changed.append(stream)
    try:
        yield
    finally:
        for stream in changed:
            with contextlib.suppress(ValueError, OSError):  # closed, or a broken pipe
                stream.reconfigure(errors="strict")


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM unwinds like Ctrl-C, so staging folders and temporary files are removed.
    raise KeyboardInterrupt


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``yingji`` with every sub-command."""
    parser = OneLineParser(
        prog="yingji",
        description=_("Emergency-response simulation, siting and blind drills on road networks."),
    )
    parser.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=None,
        help=_("language of everything yingji shows: zh or en (default: YINGJI_LANG, "
               "the config's language key, then the locale)"),
    )  # fmt: skip
    parser.add_argument(
        "--version",
        action="version",
        version=f"yingji {__version__}",
        help=_("show yingji's version and exit"),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``yingji`` command line.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` if ``None``.

    Returns
    -------
    int
        Exit status: 0 on success, 2 on a user's mistake, 1 when a worker process was
        lost (killed, out of memory).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    with tolerant_output():
        return _main_in_language(argv)


def _main_in_language(argv: list[str]) -> int:
    try:
        lang, explicit = i18n.from_environment()
    except ValueError as exc:
        print(f"yingji: error: {exc}", file=sys.stderr)
        return 2
    early = _early_language(argv)
    if early in i18n.LANGUAGES:
        lang, explicit = early, True
    # The language holds for this command only (main may run many times in one process).
    with i18n.language(lang, explicit=explicit):
        return _main(argv)


def _main(argv: list[str]) -> int:
    _argparse_speaks_our_language()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version or a bad option (already printed)
        return exc.code if isinstance(exc.code, int) else 2
    os.environ.setdefault("MPLBACKEND", "Agg")
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        with show_log_messages():
            return int(args.func(args) or 0)
    except YingjiError as exc:
        print(_error_line(str(exc)), file=sys.stderr)
        return 2
    except WorkerLost as exc:  # not the user's input: status 1, and the run resumes
        print(_error_line(str(exc)), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:
        # The machine refused a file (permissions, disk full, a file in a folder's
        # place): the user's to fix, so one line naming the file, not a traceback.
        where = exc.filename if exc.filename is not None else "yingji"
        print(_error_line(f"{where}: {os_reason(exc)}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("yingji: interrupted"), file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
