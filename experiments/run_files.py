"""The replication files of an experiment folder: their names, and what they tell.

``runs/<point>/r00000.json`` is a finished replication (see
:mod:`experiments.store`); the code states a folder's manifest counts are
worked out from these files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: Name of a replication's files: ``r`` and the replication index, at least 5 digits.
RUN_FILE = re.compile(r"^r(\d{5,})\.json$")


def code_states(
    states: Any, root: Path, points: Sequence[Any], now: str | None = None
) -> list[dict[str, Any]]:
    """``[{"code_digest", "replications"}, ...]``: states of the code, the folder's own first."""
    # Files not yet counted (damaged ones too) are the latest state's; then ``now``, if new.
    files = (f.name for p in points for f in (root / point_dir(p.id)).glob("r*.json"))
    finished = sum(1 for name in files if RUN_FILE.match(name))
    out = [{"code_digest": st["code_digest"], "replications": st["replications"]} for st in states]
    out[-1]["replications"] += max(finished - sum(st["replications"] for st in out), 0)
    new = now is not None and now != out[-1]["code_digest"]
    return [*out, {"code_digest": now, "replications": 0}] if new else out


def states_of(old: Mapping[str, Any], now: str) -> list[dict[str, Any]]:
    """The code states a manifest lists (one, the folder's own, if it lists none or bad ones)."""
    states = old.get("code_digests")
    ok = isinstance(states, list) and bool(states) and all(
        isinstance(st, dict) and type(st.get("code_digest")) is str
        and type(st.get("replications")) is int for st in states)  # fmt: skip
    return states if ok else [{"code_digest": old.get("code_digest", now), "replications": 0}]


def point_dir(point_id: str) -> str:
    """A design point's folder of replication files, relative to the experiment folder."""
    return f"runs/{point_id}"


def any_result(root: Path) -> bool:
    """Whether ``root`` holds a finished replication of any design point."""
    return any(
        RUN_FILE.match(f.name) for d in (root / "runs").glob("*") if d.is_dir() for f in d.iterdir()
    )


def run_name(replication: int) -> str:
    """The name (without suffix) of replication ``replication``'s files: ``r00007``."""
    return f"r{replication:05d}"
