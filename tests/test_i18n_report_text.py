"""What a person reads in the experiment report, ``experiment plan`` and ``scenario show``.

Chinese titles and descriptions of experiments, design-point labels in words
(never in the machine files), and scenario event settings without Python
syntax. Texts whose Chinese is new are compared through ``_()`` so the tests
hold before and after the catalogue is rebuilt.
"""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from experiments.analysis import factor_text, level_text, point_text
from experiments.batch import run_experiment
from experiments.cli import main
from experiments.design import ExperimentSpec
from experiments.store import ResultStore
from networks import i18n
from networks.errors import ConfigError
from networks.i18n import _
from tests.conftest import REPO
from tests.experiments.test_experiment_batch import fake_replicate, make_spec
from tests.test_i18n_experiments import EXPERIMENT, visible_text

CJK = re.compile(r"[\u4e00-\u9fff]")
ZH_NAME = "调派策略对比"
ZH_ABOUT = "就近调派与按事件等级优先调派的对比试验。"


# --------------------------------------------------------------------------- description_zh
def test_chinese_title_and_description_are_labels_not_part_of_the_design(tmp_path):
    plain = make_spec(tmp_path, description="Two policies.")
    zh = make_spec(tmp_path, description="Two policies.", name_zh=ZH_NAME, description_zh=ZH_ABOUT)
    assert (zh.name_zh, zh.description_zh) == (ZH_NAME, ZH_ABOUT)
    assert [p.config_hash for p in zh.points()] == [p.config_hash for p in plain.points()]
    assert ExperimentSpec.from_dict(zh.to_dict(), source="fake.toml", base_dir=tmp_path) == zh
    with i18n.language("zh"):
        assert (zh.title(), zh.about()) == (ZH_NAME, ZH_ABOUT)
        assert (plain.title(), plain.about()) == ("fake", "Two policies.")
    with i18n.language("en"):
        assert (zh.title(), zh.about()) == ("fake", "Two policies.")


@pytest.mark.parametrize("key", ["name_zh", "description_zh"])
@pytest.mark.parametrize("value", ["两行\n文字", 3, "制表\t符"])
def test_chinese_labels_are_one_printable_line(tmp_path, key, value):
    with pytest.raises(ConfigError) as err:
        make_spec(tmp_path, **{key: value})
    assert err.value.key == key and err.value.source == "fake.toml"


def test_the_manifest_records_the_chinese_labels_outside_the_identity(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run_experiment(make_spec(tmp_path), a, replicate=fake_replicate, progress=False)
    spec = make_spec(tmp_path, name_zh=ZH_NAME, description_zh=ZH_ABOUT)
    run_experiment(spec, b, replicate=fake_replicate, progress=False)
    ma, mb = ResultStore.open(a).manifest, ResultStore.open(b).manifest
    assert (mb["name_zh"], mb["description_zh"]) == (ZH_NAME, ZH_ABOUT)
    assert "name_zh" not in ma and ma["identity"] == mb["identity"]
    # Labels added later: the same experiment, resumed (nothing runs again).
    res = run_experiment(spec, a, replicate=fake_replicate, progress=False)
    assert res.ran == 0 and ResultStore.open(a).manifest["description_zh"] == ZH_ABOUT


def test_the_report_and_plan_show_the_description_in_the_language_in_use(tmp_path, capsys):
    out = tmp_path / "out"
    spec = make_spec(
        tmp_path, description="Two policies.", name_zh=ZH_NAME, description_zh=ZH_ABOUT
    )
    run_experiment(spec, out, replicate=fake_replicate, progress=False)
    assert main(["--lang", "zh", "experiment", "report", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"<h1>{ZH_NAME}</h1>" in page and ZH_ABOUT in page and "Two policies." not in page
    assert main(["--lang", "en", "experiment", "report", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h1>fake</h1>" in page and "Two policies." in page and ZH_ABOUT not in page

    exp = tmp_path / "exp.toml"
    extra = f'description = "Two policies."\ndescription_zh = "{ZH_ABOUT}"\nname_zh = "{ZH_NAME}"'
    exp.write_text(EXPERIMENT.format(extra=extra), encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "zh", "experiment", "plan", str(exp)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(ZH_NAME) and lines[1] == ZH_ABOUT
    assert main(["--lang", "en", "experiment", "plan", str(exp)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("small: ") and lines[1] == "Two policies."


def test_the_example_experiment_has_a_chinese_description():
    data = tomllib.loads((REPO / "examples" / "experiment.toml").read_text(encoding="utf-8"))
    assert CJK.search(data["description_zh"]) and "\n" not in data["description_zh"]
    ExperimentSpec.from_file(REPO / "examples" / "experiment.toml")


# --------------------------------------------------------------------------- point labels
def test_point_labels_in_english_are_the_stored_labels(tmp_path):
    spec = make_spec(
        tmp_path,
        factors=[
            {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]},
            {"key": "run.travel_noise", "levels": [0.1, 0.25]},
        ],
        baseline={},
    )
    with i18n.language("en"):
        for p in spec.points():
            assert point_text(p.values) == p.label
            assert point_text(dict(p.values)) == p.label
        assert point_text(()) == "base"


def test_point_labels_in_chinese_name_known_factors_and_policies():
    with i18n.language("zh"):
        pair = _("{key}={value}")
        shown = point_text(
            [
                ("policy.name", "severity_priority"),
                ("facilities.township_stations", 6),
                ("run.travel_noise", 0.25),
                ("policy.reserve", 1),
                ("network.townships", 10),
                ("policy.name.other", "nearest_available"),
            ]
        )
        assert "按事件等级优先调派" in shown and "severity_priority" not in shown
        for key, value in [
            ("facilities.township_stations", "6"),
            ("run.travel_noise", "0.25"),
            ("policy.reserve", "1"),
        ]:
            assert pair.format(key=factor_text(key), value=value) in shown
        # A key the config reference names reads by its terms; an unknown key (and a
        # policy name under another key) stays as written.
        assert pair.format(key="乡镇数量（重新生成县域路网）", value="10") in shown
        assert pair.format(key="policy.name.other", value="nearest_available") in shown
        assert level_text("policy.name", "my_policy") == "my_policy"
        assert factor_text("policy.name") == _("policy.name")


def test_the_chinese_report_shows_readable_labels_and_the_machine_files_do_not_change(
    tmp_path, capsys
):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, progress=False)
    pages, tables = {}, {}
    for lang in ("en", "zh"):
        assert main(["--lang", lang, "experiment", "report", str(out)]) == 0
        pages[lang] = visible_text((out / "report.html").read_text(encoding="utf-8"))
        tables[lang] = {p.name: p.read_bytes() for p in sorted((out / "analysis").iterdir())}
    capsys.readouterr()
    assert "policy.name=nearest_available" in pages["en"]
    assert "nearest_available" not in pages["zh"] and "severity_priority" not in pages["zh"]
    assert "就近调派" in pages["zh"] and "按事件等级优先调派" in pages["zh"]
    # Machine files: the same in both languages, labels as the design writes them.
    assert tables["en"] == tables["zh"]
    assert b"policy.name=nearest_available, network.townships=6" in tables["zh"]["points.csv"]
    labels = [p["label"] for p in json.loads((out / "manifest.json").read_text())["points"]]
    assert labels[0] == "policy.name=nearest_available, network.townships=6"


def test_the_plots_show_readable_labels_in_chinese(tmp_path):
    from experiments.analysis import paired_intervals
    from experiments.report import plot_metric_by_factor, plot_paired_differences

    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, progress=False)
    store = ResultStore.open(out)
    rows, points = store.rows(), store.points
    with i18n.language("zh"):
        fig = plot_metric_by_factor(rows, points, "policy.name", "arrival_mean")
        ax = fig.axes[0]
        assert ax.get_xlabel() == factor_text("policy.name")
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert ticks == ["就近调派", "按事件等级优先调派"]
        assert "policy.name" not in ax.get_title() or factor_text("policy.name") == "policy.name"
        paired = paired_intervals(rows, points, ["arrival_mean"], baseline=0)
        labels = {p.index: point_text(p.values) for p in points}
        fig = plot_paired_differences(paired, "arrival_mean", labels=labels)
        ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert ticks and all("nearest_available" not in t for t in ticks)
        assert any("就近调派" in t for t in ticks)


# --------------------------------------------------------------------------- scenario show
PYTHON = re.compile(r"\{'|': |\bTrue\b|\bFalse\b|\[")


@pytest.mark.parametrize(
    "name",
    [
        "earthquake_m6",
        "rainstorm_72h",
        "typhoon_landfall",
        "chemical_leak",
        "multi_hazard",
        "typical_week",
    ],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scenario_show_prints_event_settings_without_python_syntax(name, lang, capsys):
    assert main(["--lang", lang, "scenario", "show", name]) == 0
    out = capsys.readouterr().out
    assert not PYTHON.search(out), out


def test_scenario_show_event_settings_read_as_words(capsys):
    assert main(["--lang", "en", "scenario", "show", "earthquake_m6"]) == 0
    out = capsys.readouterr().out
    assert "at=centre +3.0 km E, +2.5 km N, time_h=2.0" in out
    assert "aftershocks=true" in out and "repair=(dist=lognormal, mean=1440.0, cv=0.8)" in out
    assert main(["--lang", "en", "scenario", "show", "rainstorm_72h"]) == 0
    assert "at=centre +3.0 km E, +2.0 km S" in capsys.readouterr().out
    assert main(["--lang", "zh", "scenario", "show", "earthquake_m6"]) == 0
    out = capsys.readouterr().out
    with i18n.language("zh"):
        place = _("{place} {offsets}").format(
            place=_("centre"),
            offsets="、".join([_("+{km} km E").format(km="3.0"), _("+{km} km N").format(km="2.5")]),
        )
        # settings by their terms in docs/config.md (震中, 是否模拟余震), not their keys
        assert _("{key}={value}").format(key="震中", value=place) in out
        assert _("{key}={value}").format(key="是否模拟余震", value="是") in out
        assert _("{key}={value}").format(key="震级", value="6.0") in out
        # with the unit its key names (time_h: hours; repair: minutes), none for a magnitude
        assert _("{key}={value}").format(key="发生时间（小时）", value="2.0") in out
        assert "抢通时间（分钟）" in out and "最小余震震级：" in out
    assert "true" not in out
    event = next(line for line in out.splitlines() if "震级" in line)
    assert not re.search(r"[a-z]+_[a-z]+|magnitude|aftershocks|omori|mean|cv", event), event


def test_scenario_show_json_is_unchanged(capsys):
    assert main(["--lang", "zh", "scenario", "show", "earthquake_m6", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    event = data["events"][0]
    assert event["at"] == {"at": "centre", "dx": 3000.0, "dy": 2500.0}
    assert event["aftershocks"] is True


def test_a_metric_has_one_chinese_name_in_the_console_and_in_reports():
    """The run summary's row and the experiment report's heading name a metric alike."""
    from experiments.analysis import METRIC_LABELS
    from experiments.outputs import HEADLINE
    from experiments.summary_rows import OPTIONAL_HEADLINE

    with i18n.language("zh"):
        differ = {
            key: (_(label), _(METRIC_LABELS[key]))
            for key, label, _unit in (*HEADLINE, *OPTIONAL_HEADLINE)
            if key in METRIC_LABELS and _(label) != _(METRIC_LABELS[key])
        }
    assert differ == {}
