"""``yingji run``'s last line names exactly what it wrote: no plots with ``--no-plots``."""

from __future__ import annotations

import pytest

from experiments.cli import main
from networks.i18n import language

SMALL = """[network]
synthetic = "county"
[scenario]
name = "typical_week"
[run]
replications = 1
horizon_min = 720
"""


@pytest.mark.parametrize(
    ("flags", "plots", "web_map"),
    [(["--no-plots"], False, False), (["--no-plots", "--map"], False, True), ([], True, False)],
)
def test_last_line_names_plots_and_map_only_when_written(tmp_path, capsys, flags, plots, web_map):
    cfg = tmp_path / "small.toml"
    cfg.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    with language("en"):
        assert main(["--lang", "en", "run", str(cfg), "--out", str(out), "--quiet", *flags]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("wrote ")
    listed = last.rsplit("(", 1)[1]  # what the line names, not the folder (it holds "plots")
    assert listed.startswith("summary.json, records/")
    assert bool(list(out.glob("*.png"))) == plots
    assert ("plots" in listed) == plots
    assert (out / "map.html").is_file() == web_map
    assert ("map.html" in listed) == web_map
