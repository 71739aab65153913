"""Helpers of the interactive-map tests: write the pages with the CLI, read their data back."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from experiments.cli import main
from tests.conftest import REPO

COUNTY = REPO / "examples" / "county.toml"
SITING = REPO / "examples" / "siting.toml"
_DATA = re.compile(r'<script type="application/json" id="webmap-data">(.*?)</script>', re.S)


def run_with_map(out: Path, *extra: str) -> Path:
    """``yingji run examples/county.toml --map`` (two replications, no plots) into ``out``."""
    args = ["run", str(COUNTY), "--replications", "2", "--no-plots", "--quiet", "--map"]
    assert main([*args, "--out", str(out), *extra]) == 0
    return out


def site_with_map(out: Path) -> Path:
    """``yingji site examples/siting.toml --task stations --map`` into ``out``."""
    args = ["site", str(SITING), "--task", "stations", "--no-plots", "--quiet", "--map"]
    assert main([*args, "--out", str(out)]) == 0
    return out


def page_data(path: Path) -> dict[str, Any]:
    """The JSON a map page embeds."""
    m = _DATA.search(path.read_text(encoding="utf-8"))
    assert m, f"no embedded data in {path}"
    return json.loads(m.group(1))


def layer(data: dict[str, Any], layer_id: str) -> dict[str, Any]:
    """One layer of a page's data by id."""
    (found,) = [x for x in data["layers"] if x["id"] == layer_id]
    return found


def minutes(text: str) -> float:
    """A CSV cell of minutes (empty or ``nan``: did not happen)."""
    return float(text) if text not in ("", "nan") else math.nan
