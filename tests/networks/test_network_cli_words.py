"""``yingji network``: the city's size bounds, the plot's landmark layers, road-class
names and the build line's counts (audit_net findings 3, 6, 8 and 12)."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.commands.network import format_network_info
from networks import save_graphml, synthetic_city, synthetic_county
from networks.i18n import _, language
from networks.plot import ROAD_CLASS_LABELS, road_class_label
from networks.speeds import DRIVABLE_HIGHWAYS
from networks.synthetic import MAX_GRID
from networks.synthetic_city import MAX_CITY_GRID

HAN = re.compile(r"[\u4e00-\u9fff]")


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("kind", "option", "value", "more"),
    [
        ("city", "--grid", str(MAX_CITY_GRID + 1), ()),  # the county's bounds, not the city's
        ("city", "--townships", "5", ()),  # fewer than the city's ten counties
        ("city", "--townships", "3", ("--counties", "4")),  # fewer than the counties given
        ("county", "--counties", "3", ()),  # the county has no counties
        ("county", "--county-grid", "8", ()),
    ],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_city_size_out_of_bounds_is_one_line_exit_2(
    tmp_path: Path, kind: str, option: str, value: str, more: tuple[str, ...], lang: str
) -> None:
    assert MAX_CITY_GRID < MAX_GRID  # otherwise argparse's county bounds already catch it
    out = tmp_path / "c.graphml"
    code, _out, err = _run(
        "--lang", lang, "network", "build", "--synthetic", kind, option, value, *more,
        "-o", str(out),
    )  # fmt: skip
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert option in err
    if kind == "city":
        assert value in err
    if lang == "zh":
        assert HAN.search(err)
    assert not out.exists()


@pytest.mark.parametrize(("lang", "says"), [("en", "the city has 4)"), ("zh", "共 4 个县")])
def test_too_few_townships_for_the_city_says_each_county_needs_one(
    tmp_path: Path, lang: str, says: str
) -> None:
    code, _out, err = _run("--lang", lang, "network", "build", "--synthetic", "city",
                           "--counties", "4", "--townships", "3",
                           "-o", str(tmp_path / "c.graphml"))  # fmt: skip
    assert code == 2
    assert says in err and "--townships" in err


EXTRACT = Path(__file__).resolve().parents[2] / "examples" / "data" / "shanghai_center.osm.bz2"


@pytest.mark.parametrize(
    "option", ["--townships", "--villages", "--grid", "--counties", "--county-grid", "--seed"]
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_size_for_a_network_read_from_a_file_is_refused(
    tmp_path: Path, option: str, lang: str
) -> None:
    # It used to be ignored without a word: the network read is as the file has it.
    out = tmp_path / "n.graphml"
    code, _out, err = _run("--lang", lang, "network", "build", "--osm", str(EXTRACT), option, "4",
                           "-o", str(out))  # fmt: skip
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and option in err and "--synthetic" in err
    if option.startswith("--count"):  # the county has none either
        assert "--synthetic city" in err and "county or city" not in err
    if lang == "zh":
        assert HAN.search(err)
    assert not out.exists()


@pytest.fixture(scope="module")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("city") / "smallcity.graphml"
    net = synthetic_city(counties=3, townships=6, villages=30, grid=20, county_grid=10)
    save_graphml(net, path)
    return path


def _plotted_layers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *argv: str) -> dict:
    seen: dict = {}

    def fake_plot(net, *, layers, **kwargs):  # noqa: ANN001, ANN003, ANN202
        seen.update({k: len(v) for k, v in layers.items()})
        import matplotlib.pyplot as plt

        return plt.figure()

    monkeypatch.setattr("networks.plot.plot_network", fake_plot)
    code, _out, err = _run(*argv, "-o", str(tmp_path / "p.png"))
    assert code == 0, err
    return seen


def test_city_plot_draws_county_seats_and_names_the_centre(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, small_city: Path
) -> None:
    layers = _plotted_layers(
        monkeypatch, tmp_path, "--lang", "en", "network", "plot", str(small_city)
    )
    assert layers == {"city centre": 1, "county seat": 3, "township": 6, "village": 30}


def test_county_plot_keeps_its_seat_as_before(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "county.graphml"
    save_graphml(synthetic_county(townships=2, villages=4, grid=4), path)
    layers = _plotted_layers(monkeypatch, tmp_path, "--lang", "en", "network", "plot", str(path))
    assert set(layers) == {"city", "township", "village"} and layers["city"] == 1


def test_city_centre_and_county_seat_differ_in_chinese() -> None:
    with language("zh"):
        centre, seat = _("city centre"), _("county seat")
    assert HAN.search(centre) and HAN.search(seat) and centre != seat


def test_every_drivable_class_has_a_chinese_name() -> None:
    assert set(DRIVABLE_HIGHWAYS) <= set(ROAD_CLASS_LABELS)
    with language("zh"):
        untranslated = [k for k in DRIVABLE_HIGHWAYS if not HAN.search(road_class_label(k))]
    assert untranslated == []


def test_build_prints_the_figures_as_info_does(tmp_path: Path) -> None:
    out = tmp_path / "c.graphml"
    code, built, err = _run(
        "--lang", "en", "network", "build", "--synthetic", "county", "--grid", "40", "-o", str(out)
    )
    assert code == 0, err
    code, info, err = _run("--lang", "en", "network", "info", str(out))
    assert code == 0, err
    rows = dict(line.split(None, 1) for line in info.splitlines())
    nodes = rows["nodes"]
    edges = rows["edges"].split()[0]
    km = rows["length"].split()[0]
    assert int(nodes.replace(",", "")) > 1000  # big enough to show the thousands separator
    assert f": {nodes} nodes, {edges} edges, {km} km" in built


def test_counts_are_singular_for_one() -> None:
    summary = synthetic_county(townships=1, villages=2, grid=3).summary()
    summary["dropped"] = {"nodes": 1, "edges": 1, "strongly_connected_parts": 1, "parts": []}
    with language("en"):
        text = format_network_info(summary)
    assert "1 node, 1 edge in 1 part not strongly connected" in text
    summary["dropped"] = {"nodes": 2, "edges": 0, "strongly_connected_parts": 2, "parts": []}
    with language("en"):
        text = format_network_info(summary)
    assert "2 nodes, 0 edges in 2 parts not strongly connected" in text


def test_a_real_citys_seat_and_communities_are_drawn_in_chinese(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Guixi (a county-level city): its place=city is 县城 in Chinese, as the county seat
    # layer is named; the seat was dropped when the empty seat layer took its name. Its 14
    # 社区 (place=quarter) were not drawn at all.
    from networks.tables import Landmark

    net = synthetic_county(townships=2, villages=4, grid=4)
    marks = [
        *net.landmarks,
        Landmark(3, "Dongjie", "quarter", "东街社区"),
        Landmark(5, "Xijie", "suburb", "西街社区"),
    ]
    path = tmp_path / "town.graphml"
    save_graphml(_with_landmarks(net, marks), path)
    layers = _plotted_layers(monkeypatch, tmp_path, "--lang", "zh", "network", "plot", str(path))
    with language("zh"):
        seat, community = _("city"), _("community")
    assert layers[seat] == 1 and layers[community] == 2


def _with_landmarks(net, marks):  # noqa: ANN001, ANN202
    import copy

    out = copy.copy(net)
    out.landmarks = tuple(marks)
    return out
