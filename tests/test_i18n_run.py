"""``yingji run`` and ``yingji demo`` in Chinese and English: words change, numbers do not."""

from __future__ import annotations

import json
import re

import pytest

from experiments.cli import main
from experiments.outputs import HEADLINE, STOCKOUT_LABELS, UNSERVED_LABELS, format_summary
from experiments.summary_rows import count_text
from networks import i18n

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")

#: A small run: the built-in county shrunk, a typical week, two replications.
TINY = """\
name = "tiny"

[network]
synthetic = "county"
seed = 0
townships = 4
villages = 12
grid = 8

[facilities]
stations = "default"
depots = "default"

[scenario]
name = "typical_week"

[policy]
name = "severity_priority"
reserve = 1

[targets]
call_taking = 1
arrival = 10
control = 15

[run]
seed = 5
replications = 2
"""


def _config(tmp_path, extra: str = ""):
    path = tmp_path / "tiny.toml"
    path.write_text(extra + TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The tiny run in English (no plots) and in Chinese (with plots): folder and stdout."""
    import contextlib
    import io

    base = tmp_path_factory.mktemp("i18n-run")
    cfg = _config(base)
    out = {}
    for lang, plots in (("en", ["--no-plots"]), ("zh", [])):
        folder = base / lang
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = main(["--lang", lang, "run", str(cfg), "--out", str(folder), *plots])
        assert code == 0
        out[lang] = (folder, buf.getvalue())
    return cfg, out


def _table_rows(text: str) -> list[str]:
    """The metric rows of a printed summary (every headline metric is there)."""
    return text.splitlines()[4 : 4 + len(HEADLINE)]


def test_the_chinese_table_has_chinese_labels_and_no_english_ones(runs):
    _cfg, out = runs
    text = out["zh"][1]
    rows = _table_rows(text)
    with i18n.language("zh"):
        expected = [i18n._(label) for _key, label, _unit in HEADLINE]
    assert len(rows) == len(HEADLINE)
    for row, label in zip(rows, expected, strict=True):
        assert row.startswith(label), row
        assert CJK.search(label) and not LATIN.search(label), label
    english = [label for _key, label, _unit in HEADLINE]
    english += ["metric", "95% CI", "scenario", "policy", "replication", "standard:"]
    english += ["busiest stations", "call taken", "wrote ", " Station", " min"]
    assert [w for w in english if w in text] == []
    assert "指标" in text and "均值" in text and "95% 置信区间" in text
    assert "1 分钟接警、10 分钟到场、15 分钟处置" in text
    assert "按事件等级优先调派" in text
    assert "应急救援站" in text  # station names


def test_columns_line_up_by_display_width(runs):
    _cfg, out = runs
    rows = _table_rows(out["zh"][1])
    ends = {i18n.width(row) for row in rows}
    assert len(ends) == 1, rows  # every row ends in the same terminal column


def test_numbers_and_machine_files_are_the_same_in_both_languages(runs):
    _cfg, out = runs
    en, zh = out["en"][0], out["zh"][0]
    # Every data file (the plots and the folder's marker, which lists them, aside).
    files = sorted(
        p.relative_to(en)
        for p in en.rglob("*")
        if p.is_file() and p.suffix != ".png" and not p.name.startswith(".")
    )
    assert any(f.suffix == ".csv" for f in files)
    for rel in files:
        if rel.name == "summary.json":
            continue
        assert (en / rel).read_bytes() == (zh / rel).read_bytes(), rel
    a = json.loads((en / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((zh / "summary.json").read_text(encoding="utf-8"))
    assert (a.pop("language"), b.pop("language")) == ("en", "zh")
    assert a == b
    # The station keys stay pinyin whatever the language.
    assert any(k.startswith("utilisation_City Station") for k in b["replications"][0])


def test_the_english_table_is_the_one_the_code_always_printed(runs):
    cfg, out = runs
    folder, text = out["en"]
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    lines = text.splitlines()
    assert lines[0] == (
        "tiny: scenario typical week, policy severity priority, 2 replications, seed 5"
    )
    assert lines[1] == (
        "standard: call taken <= 1 min, first arrival <= 10 min after, "
        "under control <= 15 min after arrival"
    )
    assert lines[2] == ""
    # A time says its unit, as the Chinese table's （分钟） does: "..., mean (min)".
    shown = [(k, f"{label} (min)" if unit == "min" else label, unit) for k, label, unit in HEADLINE]
    w = max(40, *(len(label) + 2 for _k, label, _u in shown))
    assert lines[3] == f"{'metric':<{w}}{'mean':>10}{'95% CI':>22}"
    across = summary["across_replications"]
    for (key, label, unit), row in zip(shown, lines[4 : 4 + len(HEADLINE)], strict=True):
        mean = across[key]["mean"]
        cell = (
            f"{100 * mean:9.1f}%"
            if unit == "share"
            else f"{count_text(mean):>10}"
            if unit == "count"
            else f"{mean:10.1f}"
        )
        assert row.startswith(f"{label:<{w}}{cell}"), row
        assert len(row) == w + 32
    n = sum(1 for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert lines[-1] == f"wrote {n} files to {folder}/ (summary.json, records/)"  # --no-plots
    busiest = [line for line in lines if line.startswith("busiest stations")]
    assert len(busiest) == 1 and " Station " in busiest[0]


def test_a_config_language_key_speaks_chinese_unless_the_user_chose(tmp_path, capsys, monkeypatch):
    cfg = _config(tmp_path, 'language = "zh"\n')
    for name in ("YINGJI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    args = ["run", str(cfg), "--replications", "1", "--no-plots", "--overwrite"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert "指标" in capsys.readouterr().out
    summary = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    assert summary["language"] == "zh"
    assert main(["--lang", "en", *args, "--out", str(tmp_path / "b")]) == 0
    assert "metric" in capsys.readouterr().out


def _tiny_records(tmp_path):
    from experiments.config import RunConfig
    from experiments.runner import run_replication

    cfg = RunConfig.from_file(_config(tmp_path))
    region = cfg.region()
    return cfg, region, run_replication(cfg, replication=0, region=region)


def test_every_plot_draws_in_chinese_without_missing_glyphs(tmp_path):
    # filterwarnings = error (pyproject) makes matplotlib's "Glyph ... missing" a failure.
    from experiments.figures import save_figure
    from networks.plot import plot_network
    from sim.plots import plot_incident_map, plot_response_times, plot_utilisation

    cfg, region, res = _tiny_records(tmp_path)
    net = region.network.with_closed(range(0, 40, 2))  # closed roads get a legend entry
    with i18n.language("zh"):
        figs = {
            "response": plot_response_times(res.records),
            "incidents": plot_incident_map(net, res.records),
            "utilisation": plot_utilisation(res.records),
            "network": plot_network(
                net,
                layers={i18n._("stations"): [s.node for s in region.stations]},
                title=i18n._("Built-in synthetic county"),
            ),
        }
        for name, fig in figs.items():
            texts = [ax.get_title() for ax in fig.axes if ax.get_title()]
            texts += [ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()]
            assert texts and all(CJK.search(t) for t in texts), (name, texts)
            legend = fig.axes[0].get_legend()
            if legend is not None:
                assert any(CJK.search(t.get_text()) for t in legend.get_texts()), name
            if name == "utilisation":  # station names along the y axis
                ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
                assert all(CJK.search(t) and not LATIN.search(t) for t in ticks), ticks
            save_figure(fig, tmp_path / f"{name}.png")
    assert all((tmp_path / f"{n}.png").stat().st_size > 0 for n in figs)


def test_default_facilities_and_places_have_chinese_names_and_keep_pinyin_in_english():
    from networks import synthetic_county
    from networks.names import facility_label, place_name
    from sim.defaults import default_facilities

    net = synthetic_county()
    stations, depots = default_facilities(net)
    names = [s.name for s in stations] + [d.name for d in depots]
    places = [lm.name for lm in net.landmarks]
    with i18n.language("en"):
        assert [facility_label(n) for n in names] == names
        assert [place_name(n) for n in places] == places
    with i18n.language("zh"):
        zh = [facility_label(n) for n in names]
        zh_places = [place_name(n) for n in places]
        assert facility_label("Some User Station") == "Some User Station"
    for text in zh + zh_places:
        assert CJK.search(text) and not LATIN.search(text), text
    assert len(set(zh)) == len(zh) and len(set(zh_places)) == len(zh_places)
    assert zh[0] == "县城应急救援站"
    assert "白云镇应急救援站" in zh and "市级应急物资储备库" in zh


def test_unserved_and_stockout_lines_follow_the_language():
    from experiments.config import RunConfig
    from experiments.demo import DEMO_CONFIG
    from experiments.runner import ReplicationResult

    cfg = RunConfig.from_dict(DEMO_CONFIG, source="<test>")
    summary = {
        "root_seed": 1,
        "targets_call_taking": 1.0,
        "targets_arrival": 10.0,
        "targets_control": 15.0,
        "incidents": 3,
        **{f"unserved_{k}": 1 for k in UNSERVED_LABELS},
        **{f"stockouts_{k}": 2 for k in STOCKOUT_LABELS},
        "utilisation_Baiyun Station_committed": 0.5,
    }
    results = [ReplicationResult(r, dict(summary), None) for r in range(2)]
    with i18n.language("en"):
        en = format_summary(cfg, results)
    with i18n.language("zh"):
        zh = format_summary(cfg, results)
    assert (
        "unserved (mean per run): called after the run's end 1, "
        "teams still short at the run's end 1, "
    ) in en
    assert "stock-outs (mean per run): city depot: issues short 2, " in en
    assert "no depot with the item: units short on restocking 2" in en
    assert "Baiyun Station 50.0%" in en
    tail = [line for line in zh.splitlines()[4:] if "：" in line]
    assert len(tail) == 3
    for line in tail:
        words = LATIN.findall(line)
        assert words == [], line
