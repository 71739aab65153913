"""``verify`` takes the organisers from the committed script, and says so plainly when a
drill was drawn with a test seed (audit_drill findings 4 and 5)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.drill.verify import verify_drill
from tests.experiments.cli_calls import one_line, run
from tests.experiments.test_drill_reveal_guards import SMALL, draw_small

ORGANISERS = ("alice", "贵溪市应急管理局")


@pytest.fixture(autouse=True)
def _no_map(monkeypatch):
    monkeypatch.setattr(
        "experiments.drill.reveal._rebuild_network", lambda script: (None, "map left out")
    )


@pytest.fixture(scope="module")
def multi(tmp_path_factory) -> Path:
    """A revealed multi-party drill ``base/m`` (two organisers, one with a Chinese name)."""
    base = tmp_path_factory.mktemp("multi")
    (base / "drill.toml").write_text(SMALL.format(extra=""))
    pub = base / "commitments.json"
    for k, party in enumerate(ORGANISERS):
        argv = ["drill", "contribute", "--party", party, "--secret", f"{base}/c{k}.json"]
        assert main([*argv, "--commitments", str(pub)]) == 0
    argv = ["drill", "draw", f"{base}/drill.toml", "--out", f"{base}/m", "--key", f"{base}/k"]
    contributions = ["--contribution", f"{base}/c0.json", "--contribution", f"{base}/c1.json"]
    assert main([*argv, "--commitments", str(pub), *contributions]) == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            "experiments.drill.reveal._rebuild_network", lambda script: (None, "map left out")
        )
        assert main(["drill", "reveal", f"{base}/m", "--key", f"{base}/k", "--early"]) == 0
    return base / "m"


def edited(multi: Path, tmp_path: Path, change) -> Path:  # noqa: ANN001 - a function of a dict
    d = tmp_path / "m"
    shutil.copytree(multi, d)
    public = json.loads((d / "commitment.json").read_text(encoding="utf-8"))
    change(public)
    (d / "commitment.json").write_text(json.dumps(public, ensure_ascii=False), encoding="utf-8")
    return d


# ------------------------------------------------------------------ finding 4
def test_the_untouched_multi_party_drill_verifies_its_seed(multi, capsys):
    code, out, err = run(capsys, "drill", "verify", multi)
    assert code == 0, err
    assert f"ok: seed = hash of the contributions of {', '.join(sorted(ORGANISERS))}" in out


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update(organisers={}),  # removed: the check was silently skipped
        lambda p: p.pop("organisers"),
        lambda p: p.update(organisers={"alice": p["organisers"]["alice"]}),  # one left out
        lambda p: p.update(organisers={**p["organisers"], "mallory": "ab" * 32}),
    ],
    ids=["emptied", "removed", "one-left-out", "one-added"],
)
def test_organisers_changed_in_commitment_json_are_refused_naming_it(
    multi, tmp_path, capsys, change
):
    d = edited(multi, tmp_path, change)
    code, out, err = run(capsys, "drill", "verify", d)
    line = one_line(err)
    assert code == 2 and out == ""
    assert f"{d / 'commitment.json'}: organisers:" in line
    assert "committed" in line and "贵溪市应急管理局" in line


@pytest.mark.parametrize(
    "value",
    [[1], "alice", {"alice": 5}, {"alice": "not hex"}, {"": "ab" * 32}, None],
    ids=["list", "text", "number", "not-hex", "no-name", "null"],
)
def test_odd_organiser_values_are_one_line_not_a_traceback(multi, tmp_path, capsys, value):
    d = edited(multi, tmp_path, lambda p: p.update(organisers=value))
    code, _, err = run(capsys, "drill", "verify", d)
    line = one_line(err)
    assert code == 2 and f"{d / 'commitment.json'}: organisers:" in line


def test_a_single_party_drill_given_organisers_in_commitment_json_is_refused(tmp_path, capsys):
    d, key = draw_small(tmp_path / "one")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            "experiments.drill.reveal._rebuild_network", lambda script: (None, "map left out")
        )
        assert main(["drill", "reveal", str(d), "--key", str(key), "--early"]) == 0
    capsys.readouterr()
    forged = {"alice": "ab" * 32}
    e = edited(d, tmp_path, lambda p: p.update(organisers=forged))
    line = one_line(run(capsys, "drill", "verify", e)[2])
    assert f"{e / 'commitment.json'}: organisers:" in line


# ------------------------------------------------------------------ finding 5
def test_verify_says_plainly_that_a_test_seed_draw_proves_no_blind_draw(tmp_path, capsys):
    d, key = draw_small(tmp_path, seed=5)
    assert main(["drill", "reveal", str(d), "--key", str(key), "--early"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "drill", "verify", d, "--redraw", tmp_path / "drill.toml")
    assert code == 0, err  # every file is the one committed to: the checks hold
    # A warning, on stderr as every warning is; the checks still print on stdout.
    (warning,) = [ln for ln in err.splitlines() if ln.startswith("yingji: warning: ")]
    assert "test seed 5" in warning and "in advance" in warning and "blind draw" in warning
    assert "warning" not in out
    assert any("re-drawing from the seed" in ln for ln in out.splitlines())


def test_a_draw_from_secrets_or_organisers_gets_no_seed_warning(multi):
    from experiments.drill.verify import seed_warnings

    assert verify_drill(multi).warnings == ()
    assert seed_warnings(_Script({"seed_source": "secrets"})) == ()
    assert seed_warnings(_Script({"seed_source": "organisers"})) == ()
    assert seed_warnings(_Script({"seed_source": "test seed 12 (not for real drills)"}))


class _Script:
    """Just what :func:`seed_warnings` reads of a script."""

    def __init__(self, audit: dict) -> None:
        self.audit = audit
