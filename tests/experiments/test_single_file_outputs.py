"""Single-file outputs (``scenario sample -o``, ``network build -o``, ``--plot``...) never
silently replace a file: an existing one needs ``--overwrite``, an input is refused even
then, and the file type is checked; the refusal is one line, exit 2, the file untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.outdir import check_output_file
from networks import save_graphml, synthetic_county
from networks.errors import ConfigError
from tests.conftest import REPO

PRECIOUS = "id,time,node\n1,10,5\n"  # a bureau's own incident log, say


@pytest.fixture(scope="module")
def small_net(tmp_path_factory) -> Path:
    """A small synthetic county as GraphML (fast to load and sample on)."""
    path = tmp_path_factory.mktemp("net") / "small.graphml"
    save_graphml(synthetic_county(townships=2, villages=4, grid=4), path)
    return path


def _refused(capsys, args: list[str], path: Path, *words: str) -> str:
    """Run ``yingji args``; assert exit 2 and one line naming ``path`` and ``words``."""
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    assert str(path) in err, err
    for w in words:
        assert w in err, err
    return err


def _sample(out: Path, net: Path, *extra: str) -> list[str]:
    return ["scenario", "sample", "chemical_leak", "--seed", "3", "--network", str(net),
            "-o", str(out), *extra]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sample_refuses_an_existing_csv(tmp_path, capsys, small_net, lang):
    log = tmp_path / "county_log.csv"
    log.write_text(PRECIOUS)
    args = ["--lang", lang, *_sample(log, small_net)]
    _refused(capsys, args, log, "--output", "--overwrite")
    assert log.read_text() == PRECIOUS
    assert not (tmp_path / "county_log.disruptions.csv").exists()


def test_sample_refuses_an_existing_disruptions_file_beside_it(tmp_path, capsys, small_net):
    beside = tmp_path / "inc.disruptions.csv"
    beside.write_text(PRECIOUS)
    _refused(capsys, _sample(tmp_path / "inc.csv", small_net), beside, "--output", "--overwrite")
    assert beside.read_text() == PRECIOUS
    assert not (tmp_path / "inc.csv").exists()


def test_sample_overwrite_replaces_both_files_with_a_fresh_sample(tmp_path, capsys, small_net):
    fresh = tmp_path / "fresh.csv"
    assert main(_sample(fresh, small_net)) == 0
    out = tmp_path / "inc.csv"
    for p in (out, tmp_path / "inc.disruptions.csv"):
        p.write_text(PRECIOUS)
    assert main(_sample(out, small_net, "--overwrite")) == 0
    assert out.read_bytes() == fresh.read_bytes()
    assert (tmp_path / "inc.disruptions.csv").read_bytes() == (
        tmp_path / "fresh.disruptions.csv"
    ).read_bytes()
    # Written atomically: no temporary file is left beside them.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fresh.csv", "fresh.disruptions.csv", "inc.csv", "inc.disruptions.csv",
    ]  # fmt: skip


def test_sample_with_overwrite_keeps_the_file_when_the_scenario_is_bad(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nduration_h = -1\n')
    out = tmp_path / "inc.csv"
    out.write_text(PRECIOUS)
    args = ["scenario", "sample", str(bad), "--seed", "1", "-o", str(out), "--overwrite"]
    _refused(capsys, args, bad, "duration_h")
    assert out.read_text() == PRECIOUS


@pytest.mark.parametrize("name", ["dam_break_drill.toml", "notes.txt"])
def test_sample_needs_a_csv_name(tmp_path, capsys, small_net, name):
    out = tmp_path / name
    out.write_text(PRECIOUS)
    _refused(capsys, _sample(out, small_net, "--overwrite"), out, "--output", ".csv")
    assert out.read_text() == PRECIOUS


def _scenario_named_csv(tmp_path: Path) -> tuple[Path, Path]:
    """The example scenario and its catalogue, saved under .csv names (the suffix lets
    nothing through; only the input rule can refuse them)."""
    ex = REPO / "examples" / "scenarios"
    scenario, catalogue = tmp_path / "scenario.csv", tmp_path / "hazards.csv"
    text = (ex / "dam_break_drill.toml").read_text(encoding="utf-8")
    assert 'catalogue = "my_hazards.toml"' in text
    scenario.write_text(text.replace('"my_hazards.toml"', '"hazards.csv"'), encoding="utf-8")
    shutil.copy(ex / "my_hazards.toml", catalogue)
    return scenario, catalogue


@pytest.mark.parametrize("which", ["scenario", "its catalogue", "--catalogue", "--network"])
def test_sample_refuses_its_own_input_even_with_overwrite(tmp_path, capsys, small_net, which):
    scenario, catalogue = _scenario_named_csv(tmp_path)
    net = tmp_path / "roads.csv"  # a GraphML file with an unlucky name
    shutil.copy(small_net, net)
    target = {
        "scenario": scenario,
        "its catalogue": catalogue,
        "--catalogue": catalogue,
        "--network": net,
    }[which]
    before = target.read_bytes()
    args = ["scenario", "sample", str(scenario), "--seed", "1", "--network", str(net),
            "-o", str(target), "--overwrite"]  # fmt: skip
    if which == "--catalogue":
        args += ["--catalogue", str(catalogue)]
    _refused(capsys, args, target, "--output", "input")
    assert target.read_bytes() == before


def test_sample_and_sources_refuse_an_existing_plot(tmp_path, capsys, small_net):
    img = tmp_path / "map.png"
    img.write_bytes(b"precious")
    _refused(capsys, _sample(tmp_path / "inc.csv", small_net, "--plot", str(img)), img, "--plot")
    assert not (tmp_path / "inc.csv").exists()
    src = ["scenario", "sources", "--network", str(small_net), "--plot", str(img)]
    _refused(capsys, src, img, "--plot", "--overwrite")
    assert img.read_bytes() == b"precious"
    assert main([*src, "--overwrite"]) == 0
    assert img.read_bytes().startswith(b"\x89PNG")


def test_network_build_refuses_an_existing_file_then_overwrites(tmp_path, capsys):
    out = tmp_path / "roads.graphml"
    out.write_text("keep")
    build = ["network", "build", "--synthetic", "county", "--townships", "2", "--villages", "4",
             "--grid", "4", "-o", str(out)]  # fmt: skip
    _refused(capsys, build, out, "--output", "--overwrite")
    assert out.read_text() == "keep"
    assert main([*build, "--overwrite"]) == 0
    assert out.read_text().startswith("<?xml")


def test_network_build_refuses_its_input_even_with_overwrite(tmp_path, capsys, small_net):
    net = tmp_path / "roads.graphml"
    shutil.copy(small_net, net)
    link = tmp_path / "link.graphml"
    link.symlink_to(net)
    before = net.read_bytes()
    for given in (net, link):  # the same file by its name or through a link
        args = ["network", "build", "--osm", str(given), "-o", str(net), "--overwrite"]
        _refused(capsys, args, net, "--output", "input")
    assert net.read_bytes() == before


def test_network_plot_refuses_an_existing_image_then_overwrites(tmp_path, capsys, small_net):
    img = tmp_path / "roads.svg"
    img.write_text("precious")
    plot = ["network", "plot", str(small_net), "-o", str(img)]
    _refused(capsys, plot, img, "--output", "--overwrite")
    assert img.read_text() == "precious"
    assert main([*plot, "--overwrite"]) == 0
    assert "<svg" in img.read_text()


def test_check_output_file_treats_a_dangling_link_as_existing(tmp_path):
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(ConfigError, match="--overwrite"):
        check_output_file(link, option="-o", suffix=".csv")
    assert check_output_file(link, option="-o", suffix=".csv", overwrite=True) == link
    assert os.path.islink(link)
    # Upper-case suffixes are the same type; None inputs are skipped.
    assert check_output_file(tmp_path / "A.CSV", option="-o", suffix=".csv", inputs=[None])
