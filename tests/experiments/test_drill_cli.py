"""The blind-drill round through the CLI: draw -> reveal -> verify, and every way it must fail."""

from __future__ import annotations

import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from experiments.cli import main
from tests.conftest import read_csv
from tests.experiments.cli_calls import run

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "drill.toml"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    } | {str(p.relative_to(folder)) + "/": "" for p in folder.rglob("*") if p.is_dir()}


def fails_cleanly(capsys, *argv) -> str:
    code, _, err = run(capsys, *argv)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("yingji: error: ")
    return lines[0]


@pytest.fixture(scope="module", autouse=True)
def _draw_before_the_example_window():
    """Draws happen a week before the example's (fixed) window opens, whatever today is."""
    from tests.experiments.test_drill_workflow_fixes import freeze_draw_clock

    with pytest.MonkeyPatch.context() as mp:
        freeze_draw_clock(mp)
        yield


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """The example drawn with secrets-entropy and a fresh key file; not yet revealed."""
    base = tmp_path_factory.mktemp("drill")
    assert (
        main(
            ["drill", "draw", str(EXAMPLE), "--out", str(base / "d"), "--key", str(base / "k.key")]
        )
        == 0
    )
    return base / "d", base / "k.key"


def fresh_copy(drawn, tmp_path) -> Path:
    d = tmp_path / "d"
    shutil.copytree(drawn[0], d)
    return d


def test_example_round_draw_reveal_verify(drawn, tmp_path, capsys):
    d = fresh_copy(drawn, tmp_path)
    assert sorted(p.name for p in d.iterdir()) == ["commitment.json", "script.sealed"]
    hist = tmp_path / "history.csv"
    shutil.copy(REPO / "examples" / "drill_history.csv", hist)
    code, out, _ = run(
        capsys, "drill", "reveal", "--early", d, "--key", drawn[1], "--append-history", hist
    )
    assert code == 0 and "revealed SC-2026-Q4" in out
    r = d / "revealed"
    assert sorted(p.name for p in (r / "participants").iterdir()) == [
        "alarm.cap.xml", "alarm.txt", "forms",
    ]  # fmt: skip
    assert len(list((r / "participants" / "forms").glob("*.docx"))) == 12
    for f in (
        "controllers/injects.csv",
        "controllers/injects.md",
        "controllers/injects.html",
        "evaluators/evaluation.md",
        "evaluators/evaluation.html",
        "evaluators/benchmark.csv",
        "evaluators/map.png",
    ):
        assert (r / f).stat().st_size > 0, f
    script = json.loads((r / "script.json").read_bytes())
    sheet = (r / "evaluators/evaluation.md").read_text()
    assert (
        "## Simulated spread" in sheet and script["evaluation"]["simulated"]["replications"] == 200
    )
    past = read_csv(REPO / "examples" / "drill_history.csv")
    # the example avoids its last three drills, and the reveal appended this one
    assert (script["scene"]["hazard"], script["scene"]["area"]) not in {
        (p["hazard"], p["area"]) for p in past
    }
    rows = read_csv(hist)
    # The older history gains an empty start column; its rows are otherwise kept.
    assert [{k: v for k, v in r.items() if k != "start"} for r in rows[:-1]] == past
    assert all(not r["start"] for r in rows[:-1]) and rows[-1]["exercise_id"] == "SC-2026-Q4"
    assert rows[-1]["start"] == script["scene"]["start"]
    assert rows[-1]["hazard"] == script["scene"]["hazard"]
    injects = read_csv(r / "controllers/injects.csv")
    assert [int(i["no"]) for i in injects] == [i["no"] for i in script["injects"]]
    code, out, _ = run(capsys, "drill", "verify", d, "--redraw", EXAMPLE)
    assert code == 0
    assert "matches the commitment" in out and "re-drawing from the seed gives the same" in out
    assert script["audit"]["config_sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    # a different drill file (one changed constraint) cannot pass for the one drawn with
    other = tmp_path / "other.toml"
    other.write_text(EXAMPLE.read_text().replace("no_repeat = 3", "no_repeat = 2"))
    assert "not the drill file" in fails_cleanly(capsys, "drill", "verify", d, "--redraw", other)


@pytest.mark.slow
def test_sealed_folder_tells_nothing_before_the_reveal(tmp_path, capsys):
    from datetime import datetime

    sizes = set()
    for seed in (1, 2):
        d, key = tmp_path / f"d{seed}", tmp_path / f"k{seed}"
        code, out, _ = run(
            capsys, "drill", "draw", EXAMPLE, "--out", d, "--key", key, "--seed", seed
        )
        assert code == 0
        public = (
            b"".join(p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()) + out.encode()
        )
        assert run(capsys, "drill", "reveal", "--early", d, "--key", key)[0] == 0
        sc = json.loads((d / "revealed" / "script.json").read_bytes())["scene"]
        start = datetime.fromisoformat(sc["start"])
        needles = [
            sc["hazard"],
            sc["hazard_name"],
            sc["place"],
            sc["area"],
            sc["start"],
            start.strftime("%Y-%m-%d %H:%M"),
            start.strftime("%H:%M:%S"),
            f'"node":{sc["node"]}',
            f"node {sc['node']}",
            f'"grade":{sc["grade"]}',
            f"{sc['lat']:.5f}",
            sc["under_control"][:20],
        ]
        needles += [sc["landmark"]] if sc["landmark"] else []
        needles += [sc["road"]] if len(sc["road"]) >= 6 else []
        for n in needles:
            assert n.encode() not in public, n
        assert b'"grade"' not in public and b'"hazard"' not in public
        sizes.add((d / "script.sealed").stat().st_size)
    assert len(sizes) == 1  # padded: the size tells nothing either


def test_cap_alert_is_an_exercise_and_only_the_alarm(drawn, tmp_path, capsys):
    d = fresh_copy(drawn, tmp_path)
    assert run(capsys, "drill", "reveal", "--early", d, "--key", drawn[1])[0] == 0
    script = json.loads((d / "revealed" / "script.json").read_bytes())
    root = ET.parse(d / "revealed" / "participants" / "alarm.cap.xml").getroot()
    assert root.tag == f"{CAP}alert"
    assert root.findtext(f"{CAP}status") == "Exercise"
    assert root.findtext(f"{CAP}msgType") == "Alert"
    assert script["exercise_id"] in root.findtext(f"{CAP}note")
    assert root.findtext(f"{CAP}sent") == script["scene"]["start"]
    info = root.find(f"{CAP}info")
    assert info.findtext(f"{CAP}category") == script["scene"]["cap_category"]
    assert info.findtext(f"{CAP}severity") == "Unknown"  # grading is the players' job
    lat, lon = info.find(f"{CAP}area").findtext(f"{CAP}circle").split()[0].split(",")
    assert abs(float(lat) - script["scene"]["lat"]) < 1e-5
    text = (d / "revealed" / "participants" / "alarm.txt").read_text()
    assert "THIS IS A DRILL" in text and script["exercise_id"] in text
    for inj in script["injects"]:  # nothing of the timeline reaches the participants
        assert inj["message"] not in text and inj["message"].encode() not in ET.tostring(root)


def test_tampered_sealed_file_is_refused_and_nothing_changes(drawn, tmp_path, capsys):
    size = (drawn[0] / "script.sealed").stat().st_size
    for k, pos in enumerate((5, 40, size // 2, size - 1)):
        d = tmp_path / f"t{k}"
        shutil.copytree(drawn[0], d)
        raw = bytearray((d / "script.sealed").read_bytes())
        raw[pos] ^= 0x10
        (d / "script.sealed").write_bytes(bytes(raw))
        before = snapshot(d)
        fails_cleanly(capsys, "drill", "reveal", "--early", d, "--key", drawn[1])
        assert snapshot(d) == before


def test_wrong_key_or_passphrase_is_refused(drawn, tmp_path, capsys):
    d = fresh_copy(drawn, tmp_path)
    before = snapshot(d)
    other = tmp_path / "other.key"
    other.write_text("ab" * 32)
    assert "wrong key" in fails_cleanly(capsys, "drill", "reveal", "--early", d, "--key", other)
    assert snapshot(d) == before
    pw, bad = tmp_path / "pw.txt", tmp_path / "bad.txt"
    pw.write_text("our drill passphrase\n")
    bad.write_text("not our passphrase\n")
    p = tmp_path / "p"
    assert (
        run(
            capsys,
            "drill",
            "draw",
            EXAMPLE,
            "--out",
            p,
            "--passphrase-file",
            pw,
            "--scrypt-n",
            1024,
            "--seed",
            4,
        )[0]
        == 0
    )
    before = snapshot(p)
    fails_cleanly(capsys, "drill", "reveal", "--early", p, "--passphrase-file", bad)
    fails_cleanly(capsys, "drill", "reveal", "--early", p, "--key", other)
    assert snapshot(p) == before
    assert run(capsys, "drill", "reveal", "--early", p, "--passphrase-file", pw)[0] == 0


def test_verify_catches_a_changed_revealed_script(drawn, tmp_path, capsys):
    d = fresh_copy(drawn, tmp_path)
    assert run(capsys, "drill", "reveal", "--early", d, "--key", drawn[1])[0] == 0
    assert run(capsys, "drill", "verify", d)[0] == 0
    script = d / "revealed" / "script.json"
    good = script.read_bytes()
    # one byte inside a value, one in the structure, and a re-formatted but equal file
    i = good.index(b'"grade":') + len(b'"grade":')
    for bad in (
        good[:i] + bytes([good[i] ^ 0x01]) + good[i + 1 :],
        good.replace(b'"hazard":', b'"hazard" :', 1),
        json.dumps(json.loads(good), indent=1).encode(),
    ):
        script.write_bytes(bad)
        fails_cleanly(capsys, "drill", "verify", d)
    script.write_bytes(good)
    opening = d / "revealed" / "opening.json"
    kept = opening.read_bytes()  # verify now checks every revealed byte: restore it exactly
    o = json.loads(kept)
    opening.write_text(json.dumps({**o, "salt": "00" * 32}))
    assert "does not match" in fails_cleanly(capsys, "drill", "verify", d)
    opening.write_bytes(kept)
    sealed = d / "script.sealed"
    sealed.write_bytes(sealed.read_bytes() + b"\0")
    assert "changed since the draw" in fails_cleanly(capsys, "drill", "verify", d)


def test_nothing_is_ever_overwritten(drawn, tmp_path, capsys):
    d = fresh_copy(drawn, tmp_path)
    before = snapshot(d)
    fails_cleanly(capsys, "drill", "draw", EXAMPLE, "--out", d, "--key", tmp_path / "new.key")
    assert snapshot(d) == before and not (tmp_path / "new.key").exists()
    assert run(capsys, "drill", "reveal", "--early", d, "--key", drawn[1])[0] == 0
    after = snapshot(d)
    assert "already exists" in fails_cleanly(
        capsys, "drill", "reveal", "--early", d, "--key", drawn[1]
    )
    assert snapshot(d) == after
    inside = tmp_path / "e"
    fails_cleanly(capsys, "drill", "draw", EXAMPLE, "--out", inside, "--key", inside / "k.key")
    assert not inside.exists()


def test_multi_party_draw_and_a_forged_contribution(tmp_path, capsys):
    pub = tmp_path / "commitments.json"
    for who in ("alice", "bob"):
        code, out, _ = run(
            capsys,
            "drill",
            "contribute",
            "--party",
            who,
            "--secret",
            tmp_path / f"{who}.json",
            "--commitments",
            pub,
        )
        assert code == 0
    fails_cleanly(
        capsys,
        "drill",
        "contribute",
        "--party",
        "bob",
        "--secret",
        tmp_path / "bob2.json",
        "--commitments",
        pub,
    )
    args = ["--commitments", pub, "--contribution", tmp_path / "alice.json"]
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({"party": "bob", "contribution": "ab" * 32}))
    assert "bob does not match" in fails_cleanly(
        capsys,
        "drill",
        "draw",
        EXAMPLE,
        "--out",
        tmp_path / "x",
        "--key",
        tmp_path / "k",
        *args,
        "--contribution",
        forged,
    )
    assert "no contribution revealed by bob" in fails_cleanly(
        capsys, "drill", "draw", EXAMPLE, "--out", tmp_path / "x", "--key", tmp_path / "k", *args
    )
    assert not (tmp_path / "x").exists() and not (tmp_path / "k").exists()
    d = tmp_path / "d"
    assert (
        run(
            capsys,
            "drill",
            "draw",
            EXAMPLE,
            "--out",
            d,
            "--key",
            tmp_path / "k",
            *args,
            "--contribution",
            tmp_path / "bob.json",
        )[0]
        == 0
    )
    public = json.loads((d / "commitment.json").read_text())
    assert public["organisers"] == json.loads(pub.read_text())
    assert run(capsys, "drill", "reveal", "--early", d, "--key", tmp_path / "k")[0] == 0
    code, out, _ = run(capsys, "drill", "verify", d)
    assert code == 0 and "contributions of alice, bob" in out


def test_reveal_without_the_network_file_still_writes_every_packet_but_the_map(
    tmp_path, capsys, monkeypatch
):
    """The map needs the network; everything else is in the sealed script."""
    from collections import OrderedDict

    from networks import save_graphml, synthetic_county

    save_graphml(synthetic_county(), tmp_path / "county.graphml")
    toml = tmp_path / "d.toml"
    toml.write_text(
        "[drill]\nstart = 2099-12-01T08:00:00+08:00\nend = 2099-12-02T08:00:00+08:00\n"
        '[network]\nfile = "county.graphml"\n'
    )
    d, key = tmp_path / "d", tmp_path / "k"
    assert run(capsys, "drill", "draw", toml, "--out", d, "--key", key, "--seed", 1)[0] == 0
    (tmp_path / "county.graphml").rename(tmp_path / "moved.graphml")
    monkeypatch.setattr("experiments.network_spec._NETWORKS", OrderedDict())  # as in a new process
    code, out, _ = run(capsys, "drill", "reveal", "--early", d, "--key", key)
    assert code == 0 and "map not drawn" in out
    ev = d / "revealed" / "evaluators"
    assert not (ev / "map.png").exists() and "map.png" not in (ev / "evaluation.md").read_text()
    assert (ev / "benchmark.csv").exists()
    assert run(capsys, "drill", "verify", d)[0] == 0


def test_a_changed_commitment_is_blamed_on_commitment_json_not_the_manifest(
    drawn, tmp_path, capsys
):
    d = fresh_copy(drawn, tmp_path)
    assert run(capsys, "drill", "reveal", "--early", d, "--key", drawn[1])[0] == 0
    public = json.loads((d / "commitment.json").read_text())
    c, exercise = public["commitment"], public["exercise_id"]
    public["commitment"] = ("1" if c[0] == "0" else "0") + c[1:]
    (d / "commitment.json").write_text(json.dumps(public, indent=1) + "\n")
    line = fails_cleanly(capsys, "drill", "verify", d)
    assert str(d / "commitment.json") in line and "manifest" not in line
    assert c[:8] in line  # the commitment the revealed script opens
    # only the exercise id changed: named as commitment.json's exercise_id
    public["commitment"], public["exercise_id"] = c, "SC-2099-Q1"
    (d / "commitment.json").write_text(json.dumps(public, indent=1) + "\n")
    line = fails_cleanly(capsys, "drill", "verify", d)
    assert "commitment.json: exercise_id: 'SC-2099-Q1'" in line and "manifest" not in line
    # a manifest from another drill is still blamed on the manifest
    public["exercise_id"] = exercise
    (d / "commitment.json").write_text(json.dumps(public, indent=1) + "\n")
    m = json.loads((d / "revealed" / "manifest.json").read_text())
    m["commitment"] = "ab" * 32
    (d / "revealed" / "manifest.json").write_text(json.dumps(m))
    assert "manifest.json" in fails_cleanly(capsys, "drill", "verify", d)


def test_a_changed_commitment_stops_the_reveal_naming_commitment_json(drawn, tmp_path, capsys):
    # The reveal blamed script.sealed, whose digest is the published one and which opens.
    d = fresh_copy(drawn, tmp_path)
    public = json.loads((d / "commitment.json").read_text())
    c = public["commitment"]
    public["commitment"] = ("1" if c[0] == "0" else "0") + c[1:]
    (d / "commitment.json").write_text(json.dumps(public, indent=1) + "\n")
    line = fails_cleanly(capsys, "drill", "reveal", "--early", d, "--key", drawn[1])
    assert line.startswith(f"yingji: error: {d / 'commitment.json'}: commitment: "), line
    assert not (d / "revealed").exists()
