"""``python -m experiments`` is the ``yingji`` command."""

import os
import sys
from pathlib import Path


def _working_folder_off_path() -> None:
    """Take the working folder ``python -m`` put first on ``sys.path`` off it.

    A folder of the user's with a ``scenarios/`` or ``sim/`` in it (the shipped
    examples have one) would otherwise hide yingji's own packages of those names
    in an editable install, and the command would fail to start. ``yingji`` never
    has the working folder on its path; a source checkout run from its own root
    keeps it (it is where the packages are).
    """
    here = Path(__file__).resolve().parent.parent
    if sys.path and sys.path[0] and Path(sys.path[0]).resolve() == Path(os.getcwd()).resolve():
        if Path(sys.path[0]).resolve() != here:
            del sys.path[0]


_working_folder_off_path()

from experiments.cli import main  # noqa: E402  (after the path is set)

sys.exit(main())
