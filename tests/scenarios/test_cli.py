"""``yingji scenario ...``: CSV output matches the library, mistakes exit 2 with one line."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.cli import main
from scenarios import generate_stream, load_scenario
from scenarios.export import DISRUPTION_COLUMNS, INCIDENT_COLUMNS
from tests.conftest import read_csv


def test_sample_writes_the_stream_and_its_disruptions(tmp_path, county, capsys):
    out = tmp_path / "inc.csv"
    assert main(["scenario", "sample", "chemical_leak", "--seed", "5", "-o", str(out)]) == 0
    rows = read_csv(out)
    with open(out, encoding="utf-8-sig") as fh:
        assert tuple(fh.readline().strip().split(",")) == INCIDENT_COLUMNS
    st = generate_stream(load_scenario("chemical_leak"), county, rng=np.random.default_rng(5))
    assert len(rows) == len(st)
    assert [int(r["node"]) for r in rows] == st.node.tolist()
    assert np.allclose([float(r["time_min"]) for r in rows], st.time, atol=1e-5)
    assert [int(r["parent"]) for r in rows] == st.parent.tolist()
    for r, req in zip(rows, st.requirement, strict=True):
        teams = dict(p.split(":") for p in r["teams"].split(";"))
        assert {k: int(v) for k, v in teams.items()} == dict(st.requirements[req].teams)
    assert float(rows[0]["lon"]) == pytest.approx(county.nodes.lon[st.node[0]], abs=1e-6)
    dis = read_csv(tmp_path / "inc.disruptions.csv")
    assert len(dis) == len(st.disruptions) and tuple(dis[0]) == DISRUPTION_COLUMNS
    iso = [d for d in dis if d["label"] == "isolation: hazmat_leak"]
    assert len(iso) == 1 and float(iso[0]["end_min"]) - float(iso[0]["start_min"]) == 720
    edges = [int(e) for e in iso[0]["edges"].split()]
    assert edges == list(
        st.disruptions[
            [d.disruption.label for d in st.disruptions].index("isolation: hazmat_leak")
        ].disruption.edges
    )
    assert "wrote" in capsys.readouterr().out


def test_list_and_show(capsys):
    assert main(["scenario", "list"]) == 0
    out = capsys.readouterr().out
    assert "typical_week" in out and "multi_hazard" in out
    assert main(["scenario", "show", "earthquake_m6"]) == 0
    assert "earthquake: at=" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('name = "x"\nduration_h = -1', "duration_h"),
        (
            'name = "x"\nduration_h = 2\n[background.rates]\nbuilding_fires = 1',
            "background.rates.building_fires",
        ),
    ],
)
def test_mistakes_exit_2_with_one_line(tmp_path, capsys, text, key):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    assert main(["scenario", "sample", str(f), "--seed", "1", "-o", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and f"{f}: {key}:" in err
    assert not (tmp_path / "o.csv").exists()


def test_sources_lists_every_kind_and_draws_them(tmp_path, capsys):
    img = tmp_path / "sources.png"
    assert main(["scenario", "sources", "--plot", str(img)]) == 0
    out = capsys.readouterr().out
    for kind in ("river", "forest", "chemical_plant", "mine", "school", "venue", "low_lying"):
        assert kind in out
    assert img.stat().st_size > 10_000
