"""``yingji examples DIR``: copy the shipped example configs and data into a folder."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from networks.i18n import _


def cmd_examples(args: argparse.Namespace) -> int:
    """``yingji examples``."""
    from experiments.examples import copy_examples

    dest = Path(args.dir)
    written = copy_examples(dest, overwrite=args.overwrite)
    print(_("copied {n} example files to {folder}/").format(n=len(written), folder=dest))
    for path in written:
        print(f"  {path.relative_to(dest).as_posix()}")
    print()
    config = shlex.quote((dest / "county.toml").as_posix())
    print(_("next: {command}").format(command=f"yingji run {config} --out county-run"))
    print(
        _("every README command that names examples/ works with {folder}/ in its place").format(
            folder=dest.as_posix()
        )
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``examples`` to the ``yingji`` parser."""
    p = sub.add_parser("examples", help=_("copy the example configs and data into a folder"))
    p.add_argument("dir", metavar="DIR", help=_("folder to copy them into (new or empty)"))
    p.add_argument(
        "--overwrite",
        action="store_true",
        help=_("replace an earlier copy of the examples in DIR as a whole (default: refuse)"),
    )
    p.set_defaults(func=cmd_examples)
