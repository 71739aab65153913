"""A policy of one's own that fails while it runs: one line, exit 2, nothing half-written.

In ``yingji run``, ``yingji experiment run`` (also with two worker processes)
and ``yingji site --evaluate``. The policies are in a package used nowhere else.
"""

from __future__ import annotations

import re

import pytest

from experiments.cli import main
from tests.conftest import REPO

POLICIES = """
class Base:
    name = "base"
    def queue_key(self, grade, call_taken): return call_taken
    def choose(self, view, node, cap, grade, since): return view.nearest(node, cap)
    def to_dict(self): return {"name": self.name}

class Raises(Base):
    def choose(self, view, node, cap, grade, since): raise RuntimeError("oops")

class Busy(Base):  # the first team it sent of each capability, whether free or not
    def __init__(self): self.first = {}
    def choose(self, view, node, cap, grade, since):
        c = view.nearest(node, cap)
        return None if c is None else (self.first.setdefault(cap, c[0]), *c[1:])

class NanTime(Base):
    def choose(self, view, node, cap, grade, since):
        c = view.nearest(node, cap)
        return None if c is None else (c[0], float("nan"), c[2], c[3])

class InitFails(Base):
    def __init__(self): raise RuntimeError("cannot read my table")

class ToDictFails(Base):
    def to_dict(self): raise KeyError("x")
"""
RUN = """
name = "t"
[network]
synthetic = "county"
[scenario]
name = "typical_week"
[policy]
name = "pe_cli_pol.p:{cls}"
[run]
seed = 1
replications = 2
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder with the policy package and one run config per policy class."""
    folder = tmp_path_factory.mktemp("pe_cli")
    (folder / "pe_cli_pol").mkdir()
    (folder / "pe_cli_pol" / "__init__.py").write_text("", encoding="utf-8")
    (folder / "pe_cli_pol" / "p.py").write_text(POLICIES, encoding="utf-8")
    for cls in ("Raises", "Busy", "NanTime", "InitFails", "ToDictFails"):
        (folder / f"{cls}.toml").write_text(RUN.format(cls=cls), encoding="utf-8")
    return folder


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize(
    ("cls", "where", "says"),
    [
        ("Raises", "replication 0: ", r"choose failed: RuntimeError: oops \(at minute [0-9.]+ of"),
        ("Busy", "replication 0: ", r"choose picked team \d+, which is not free now \(at minute"),
        ("NanTime", "replication 0: ", r"choose gave team \d+ a travel time of nan seconds, not"),
        # Refused when the config is read, before any replication runs.
        ("InitFails", "", r"failed: RuntimeError: cannot read my table$"),
        ("ToDictFails", "replication 0: ", r"to_dict failed: KeyError: 'x'$"),
    ],
)
def test_run_refuses_a_failing_policy_in_one_line_and_writes_nothing(
    folder, tmp_path, capsys, monkeypatch, cls, where, says
):
    monkeypatch.chdir(folder)
    out = tmp_path / "out"
    args = ["--lang", "en", "run", f"{cls}.toml", "--out", str(out), "--quiet", "--no-plots"]
    assert main(args) == 2
    line = _one_line(capsys)
    key = "policy.name" if where else "policy"
    policy = f"pe_cli_pol.p:{cls} (pe_cli_pol/p.py)"
    assert line.startswith(f"yingji: error: {where}{cls}.toml: {key}: {policy}"), line
    assert re.search(says, line), line
    assert not out.exists()


def test_the_refusal_is_one_line_in_chinese_too(folder, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    out = tmp_path / "out"
    assert main(["--lang", "zh", "run", "Busy.toml", "--out", str(out), "--quiet"]) == 2
    line = _one_line(capsys)
    assert "Busy.toml: policy.name: pe_cli_pol.p:Busy (pe_cli_pol/p.py)" in line
    assert not out.exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_an_experiment_names_the_point_and_keeps_only_finished_replications(
    folder, tmp_path, capsys, monkeypatch, workers
):
    monkeypatch.chdir(folder)
    text = (REPO / "examples" / "custom_policy_experiment.toml").read_text(encoding="utf-8")
    level = '{ name = "policies.seat_reserve:SeatReserve", area = "County Seat", reserve = 1 }'
    assert level in text
    (folder / f"exp{workers}.toml").write_text(
        text.replace(level, '{ name = "pe_cli_pol.p:NanTime" }'), encoding="utf-8"
    )
    out = tmp_path / "exp"
    args = ["--lang", "en", "experiment", "run", f"exp{workers}.toml", "--out", str(out)]
    assert main([*args, "--quiet", "--workers", str(workers)]) == 2
    line = _one_line(capsys)
    assert re.search(r"design point p001 \(.*\), replication \d: exp\d\.toml: policy\.name: ", line)
    assert "pe_cli_pol.p:NanTime (pe_cli_pol/p.py): choose gave team" in line, line
    # Nothing of the failing point was written (the other point's finished replications may
    # be kept, for a rerun to resume), and no file was left half-written.
    assert not list(out.glob("runs/p001/*"))
    assert not [p for p in out.rglob("*") if p.name.endswith((".tmp", ".part"))]


def test_in_chinese_the_failing_point_reads_in_words_not_json(
    folder, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(folder)
    text = (REPO / "examples" / "custom_policy_experiment.toml").read_text(encoding="utf-8")
    level = '{ name = "policies.seat_reserve:SeatReserve", area = "County Seat", reserve = 1 }'
    (folder / "expzh.toml").write_text(
        text.replace(level, '{ name = "pe_cli_pol.p:NanTime", reserve = 1 }'), encoding="utf-8"
    )
    args = ["--lang", "zh", "experiment", "run", "expzh.toml", "--out", str(tmp_path / "o")]
    assert main([*args, "--quiet"]) == 2  # refused at the plan: NanTime takes no reserve
    line = _one_line(capsys)
    assert "（设计点 调派策略" in line and "pe_cli_pol.p:NanTime" in line
    assert '{"name"' not in line and '"reserve"' not in line
    # A failure while it runs names the point the same way.
    (folder / "expzh.toml").write_text(
        text.replace(level, '{ name = "pe_cli_pol.p:NanTime" }'), encoding="utf-8"
    )
    assert main([*args, "--quiet"]) == 2
    line = _one_line(capsys)
    assert "设计点 p001（" in line and '{"name"' not in line


def test_site_evaluate_refuses_a_failing_policy_and_writes_nothing(
    folder, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(folder)
    siting = (REPO / "examples" / "siting.toml").read_text(encoding="utf-8")
    plain = '[policy]\nname = "nearest_available"\n'
    assert plain in siting
    (folder / "siting.toml").write_text(
        siting.replace(plain, '[policy]\nname = "pe_cli_pol.p:Busy"\n'), encoding="utf-8"
    )
    out = tmp_path / "site"
    args = ["--lang", "en", "site", "siting.toml", "--task", "stations", "--out", str(out)]
    assert main([*args, "--evaluate", "2", "--quiet", "--no-plots"]) == 2
    line = _one_line(capsys)
    assert line.startswith("yingji: error: replication 0: siting.toml: policy.name: "), line
    assert "pe_cli_pol.p:Busy (pe_cli_pol/p.py): choose picked team" in line
    assert "which is not free now (at minute" in line
    assert not out.exists()
