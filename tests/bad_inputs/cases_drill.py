"""Bad paths, keys, sealed files and drill TOML values for ``yingji drill``.

Drills are drawn with a fixed test seed, no simulated spread and a key file
written by the setup, so each setup takes well under a second.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.bad_inputs.harness import Case, write

#: A small drill on the built-in county (no simulated spread: fast).
SMALL_DRILL = """[drill]
start = 2099-12-01T08:00:00+08:00
end = 2099-12-02T08:00:00+08:00
[benchmark]
replications = 0
"""
KEY = "11" * 32 + "\n"
HISTORY = (
    "drawn_at,exercise_id,hazard,area\n2026-03-02T09:00:00+00:00,Q1,building_fire,County Seat\n"
)


def small(tmp: Path) -> None:
    write(tmp, "drill.toml", SMALL_DRILL)


def small_with(**tables: str):
    """A setup writing the small drill with extra TOML lines (``drill=``, ``benchmark=``...)."""

    def setup(tmp: Path) -> None:
        text = SMALL_DRILL
        for table, lines in tables.items():
            text = text.replace(f"[{table}]\n", f"[{table}]\n{lines}\n", 1)
            if f"[{table}]" not in text:
                text += f"[{table}]\n{lines}\n"
        write(tmp, "drill.toml", text)

    return setup


def paths(tmp: Path) -> None:
    """The small drill, a file ``afile`` and a user's folder ``mine`` with a file in it."""
    small(tmp)
    write(tmp, "afile", "not a folder\n")
    write(tmp, "mine/notes.txt", "my own notes\n")


def keys(tmp: Path) -> None:
    """The small drill and key files that are not keys."""
    small(tmp)
    write(tmp, "short.key", "abcd\n")
    write(tmp, "nothex.key", "zz" * 32 + "\n")
    write(tmp, "empty.pw", "\n")
    write(tmp, "empty.key", "")


def sealed(tmp: Path) -> None:
    """A sealed drill ``d`` with its key ``k.key``, and a few files to misuse."""
    from experiments.drill import draw_drill

    paths(tmp)
    keys(tmp)
    write(tmp, "k.key", KEY)
    write(tmp, "other.key", "22" * 32 + "\n")
    write(tmp, "history.csv", HISTORY)
    write(tmp, "wrong_header.csv", "when,what\n2026-01-01,fire\n")
    write(
        tmp, "latin1.csv", "drawn_at,exercise_id,hazard,area\n1,2,fire,Caf\xe9\n".encode("latin-1")
    )
    draw_drill(tmp / "drill.toml", tmp / "d", key_file=tmp / "k.key", seed=1)


def sealed_then(change):
    """A sealed drill with ``change(tmp)`` applied after the draw."""

    def setup(tmp: Path) -> None:
        sealed(tmp)
        change(tmp)

    return setup


def truncate_sealed(tmp: Path) -> None:
    p = tmp / "d" / "script.sealed"
    p.write_bytes(p.read_bytes()[:100])


def garbage_sealed(tmp: Path) -> None:
    (tmp / "d" / "script.sealed").write_bytes(b"\x00\xff" * 500)


def truncate_commitment(tmp: Path) -> None:
    p = tmp / "d" / "commitment.json"
    p.write_bytes(p.read_bytes()[:40])


def garbage_commitment(tmp: Path) -> None:
    (tmp / "d" / "commitment.json").write_bytes(b"\xff\xfe\x00garbage")


def public_field(key: str, value: object):
    """Set ``key`` of ``d/commitment.json`` to ``value``: a field no digest covers."""

    def change(tmp: Path) -> None:
        p = tmp / "d" / "commitment.json"
        public = json.loads(p.read_text())
        public[key] = value
        p.write_text(json.dumps(public, indent=2))

    return change


def revealed(tmp: Path) -> None:
    from experiments.drill import reveal_drill

    sealed(tmp)
    reveal_drill(tmp / "d", key_file=tmp / "k.key", early=True)


def revealed_then(change):
    def setup(tmp: Path) -> None:
        revealed(tmp)
        change(tmp)

    return setup


def edit_script(tmp: Path) -> None:
    p = tmp / "d" / "revealed" / "script.json"
    p.write_bytes(p.read_bytes().replace(b'"grade":', b'"grade" :', 1))


def truncate_opening(tmp: Path) -> None:
    p = tmp / "d" / "revealed" / "opening.json"
    p.write_bytes(p.read_bytes()[:20])


def other_toml(tmp: Path) -> None:
    write(tmp, "other.toml", SMALL_DRILL.replace("replications = 0", "replications = 1"))


def contributed(tmp: Path) -> None:
    """Alice's contribution and the public commitments file, plus a file and a folder."""
    from experiments.drill import contribute

    write(tmp, "afile", "not a folder\n")
    write(tmp, "mine/notes.txt", "my own notes\n")
    write(tmp, "garbage.json", "{not json")
    contribute("alice", secret_file=tmp / "alice.json", commitments_file=tmp / "commitments.json")


def multi(tmp: Path) -> None:
    contributed(tmp)
    small(tmp)


DRAW = ("drill", "draw", "drill.toml")
REVEAL = ("drill", "reveal", "--early", "d", "--key", "k.key")
CONTRIB = ("drill", "contribute", "--party", "bob")

CASES = [
    Case(
        "drill-draw-id-not-a-cap-identifier",
        (*DRAW, "--out", "d", "--key", "new.key"),
        ("drill.toml", "drill.id"),
        small_with(drill='id = "SC 2026, <Q4> & co"'),
    ),
    # --- draw: where it writes
    Case(
        "drill-draw-out-is-file",
        (*DRAW, "--out", "afile", "--key", "new.key"),
        ("afile", "--out"),
        paths,
    ),
    Case(
        "drill-draw-out-not-empty",
        (*DRAW, "--out", "mine", "--key", "new.key"),
        ("mine", "--out", "not empty"),
        paths,
    ),
    Case(
        "drill-draw-out-under-file",
        (*DRAW, "--out", "afile/d", "--key", "new.key"),
        ("afile", "--out"),
        paths,
    ),
    Case(
        "drill-draw-out-holds-a-drill",
        (*DRAW, "--out", "d", "--key", "new.key"),
        ("d", "already holds a drill"),
        sealed,
    ),
    Case(
        "drill-draw-key-under-file",
        (*DRAW, "--out", "d", "--key", "afile/k.key"),
        ("afile", "--key"),
        paths,
    ),
    Case(
        "drill-draw-key-is-folder",
        (*DRAW, "--out", "d", "--key", "mine"),
        ("mine", "--key", "folder"),
        paths,
    ),
    Case(
        "drill-draw-key-in-drill-folder",
        (*DRAW, "--out", "d", "--key", "d/k.key"),
        ("d/k.key", "--key", "drill folder"),
        paths,
    ),
    # --- draw: secrets
    Case(
        "drill-draw-key-wrong-length",
        (*DRAW, "--out", "d", "--key", "short.key"),
        ("short.key", "64 hex"),
        keys,
    ),
    Case(
        "drill-draw-key-not-hex",
        (*DRAW, "--out", "d", "--key", "nothex.key"),
        ("nothex.key", "64 hex"),
        keys,
    ),
    Case(
        "drill-draw-key-empty",
        (*DRAW, "--out", "d", "--key", "empty.key"),
        ("empty.key", "empty"),
        keys,
    ),
    Case(
        "drill-draw-passphrase-empty",
        (*DRAW, "--out", "d", "--passphrase-file", "empty.pw"),
        ("empty.pw", "empty"),
        keys,
    ),
    Case(
        "drill-draw-passphrase-missing",
        (*DRAW, "--out", "d", "--passphrase-file", "no.pw"),
        ("no.pw", "passphrase"),
        keys,
    ),
    # --- draw: command-line numbers
    Case(
        "drill-draw-seed-negative",
        (*DRAW, "--out", "d", "--key", "k", "--seed", "-1"),
        ("--seed",),
        small,
    ),
    Case(
        "drill-draw-seed-huge",
        (*DRAW, "--out", "d", "--key", "k", "--seed", str(2**70)),
        ("--seed",),
        small,
    ),
    Case(
        "drill-draw-scrypt-n-not-power",
        (*DRAW, "--out", "d", "--passphrase-file", "empty.pw", "--scrypt-n", "1000"),
        ("--scrypt-n",),
        keys,
    ),
    # --- draw: the drill TOML
    Case(
        "drill-draw-toml-malformed",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "TOML"),
        lambda t: write(t, "drill.toml", "[drill\nstart = 2026\n"),
    ),
    Case(
        "drill-draw-toml-missing",
        ("drill", "draw", "nope.toml", "--out", "d", "--key", "k"),
        ("nope.toml",),
    ),
    Case(
        "drill-draw-toml-unknown-key",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "drill.colour"),
        small_with(drill="colour = 'red'"),
    ),
    Case(
        "drill-draw-toml-unknown-table",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "extras"),
        small_with(extras="a = 1"),
    ),
    Case(
        "drill-draw-travel-noise-nan",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "benchmark.travel_noise"),
        small_with(benchmark="travel_noise = nan"),
    ),
    Case(
        "drill-draw-travel-noise-huge",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "benchmark.travel_noise"),
        small_with(benchmark="travel_noise = 1e200"),
    ),
    Case(
        "drill-draw-replications-huge",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "benchmark.replications"),
        lambda t: write(t, "drill.toml", SMALL_DRILL.replace("= 0", "= 100000000000")),
    ),
    Case(
        "drill-draw-call-taking-huge",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "benchmark.call_taking_min"),
        small_with(benchmark="call_taking_min = 1e300"),
    ),
    Case(
        "drill-draw-target-inf",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "targets.arrival"),
        small_with(targets="arrival = inf"),
    ),
    Case(
        "drill-draw-reporting-huge",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "reporting.first_phone"),
        small_with(reporting="first_phone = [15, 15, 30, 1e300]"),
    ),
    Case(
        "drill-draw-reporting-zero",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "reporting.first_phone", "> 0"),
        small_with(reporting="first_phone = 0"),
    ),
    Case(
        "drill-draw-follow-up-every-5",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "reporting.follow_up_every", ">= 10"),
        small_with(reporting="follow_up_every = [720, 720, 720, 5]"),
    ),
    Case(
        "drill-draw-risk-huge",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "risk.building_fire"),
        small_with(risk="building_fire = 1e308\ntraffic_accident = 1e308"),
    ),
    Case(
        "drill-draw-hazards-empty",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "drill.hazards", "non-empty"),
        small_with(drill="hazards = []"),
    ),
    Case(
        "drill-draw-grades-empty",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "drill.grades", "non-empty"),
        small_with(drill="grades = []"),
    ),
    Case(
        "drill-draw-no-repeat-negative",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "drill.no_repeat"),
        small_with(drill="no_repeat = -1"),
    ),
    Case(
        "drill-draw-window-year",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "drill.end"),
        lambda t: write(t, "drill.toml", SMALL_DRILL.replace("2099-12-02", "9999-12-02")),
    ),
    Case(
        "drill-draw-hours-nan",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "drill.hours"),
        small_with(drill="hours = [nan, 18]"),
    ),
    Case(
        "drill-draw-scrypt-n-in-toml",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "seal.scrypt_n"),
        small_with(seal="scrypt_n = 3"),
    ),
    Case(
        "drill-draw-catalogue-missing",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "catalogue", "nope.toml"),
        lambda t: write(t, "drill.toml", 'catalogue = "nope.toml"\n' + SMALL_DRILL),
    ),
    Case(
        "drill-draw-history-wrong-header",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "drill.history", "h.csv"),
        lambda t: (small_with(drill='history = "h.csv"')(t), write(t, "h.csv", "a,b\n1,2\n")),
    ),
    Case(
        "drill-draw-history-not-utf8",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "drill.history", "h.csv"),
        lambda t: (small_with(drill='history = "h.csv"')(t), write(t, "h.csv", b"\xff\xfe\x00")),
    ),
    Case(
        "drill-draw-id-control-character",
        (*DRAW, "--out", "d", "--key", "k"),
        ("drill.toml", "drill.id"),
        small_with(drill='id = "SC\\u0000Q4"'),
    ),
    # --- draw: several organisers
    Case(
        "drill-draw-commitments-garbage",
        (
            *DRAW,
            "--out",
            "d",
            "--key",
            "k",
            "--commitments",
            "garbage.json",
            "--contribution",
            "alice.json",
        ),
        ("garbage.json",),
        multi,
    ),
    Case(
        "drill-draw-contribution-missing",
        (
            *DRAW,
            "--out",
            "d",
            "--key",
            "k",
            "--commitments",
            "commitments.json",
            "--contribution",
            "nope.json",
        ),
        ("nope.json",),
        multi,
    ),
    # --- reveal
    Case(
        "drill-reveal-history-is-folder",
        (*REVEAL, "--append-history", "mine"),
        ("mine", "--append-history"),
        sealed,
    ),
    Case(
        "drill-reveal-history-under-file",
        (*REVEAL, "--append-history", "afile/h.csv"),
        ("afile", "--append-history"),
        sealed,
    ),
    Case(
        "drill-reveal-history-wrong-header",
        (*REVEAL, "--append-history", "wrong_header.csv"),
        ("wrong_header.csv", "--append-history"),
        sealed,
    ),
    Case(
        "drill-reveal-history-not-utf8",
        (*REVEAL, "--append-history", "latin1.csv"),
        ("latin1.csv", "--append-history"),
        sealed,
    ),
    Case(
        "drill-reveal-history-inside-revealed",
        (*REVEAL, "--append-history", "d/revealed/h.csv"),
        ("d/revealed/h.csv", "--append-history"),
        sealed,
    ),
    Case(
        "drill-reveal-key-missing",
        ("drill", "reveal", "--early", "d", "--key", "nope.key"),
        ("nope.key",),
        sealed,
    ),
    Case(
        "drill-reveal-key-wrong",
        ("drill", "reveal", "--early", "d", "--key", "other.key"),
        ("script.sealed", "wrong key"),
        sealed,
    ),
    Case(
        "drill-reveal-key-wrong-length",
        ("drill", "reveal", "--early", "d", "--key", "short.key"),
        ("short.key", "64 hex"),
        sealed,
    ),
    Case(
        "drill-reveal-key-not-hex",
        ("drill", "reveal", "--early", "d", "--key", "nothex.key"),
        ("nothex.key", "64 hex"),
        sealed,
    ),
    Case(
        "drill-reveal-passphrase-empty",
        ("drill", "reveal", "--early", "d", "--passphrase-file", "empty.pw"),
        ("empty.pw", "empty"),
        sealed,
    ),
    Case(
        "drill-reveal-sealed-truncated", REVEAL, ("d/script.sealed",), sealed_then(truncate_sealed)
    ),
    Case("drill-reveal-sealed-garbage", REVEAL, ("d/script.sealed",), sealed_then(garbage_sealed)),
    Case(
        "drill-reveal-commitment-truncated",
        REVEAL,
        ("d/commitment.json",),
        sealed_then(truncate_commitment),
    ),
    Case(
        "drill-reveal-commitment-garbage",
        REVEAL,
        ("d/commitment.json",),
        sealed_then(garbage_commitment),
    ),
    Case(
        "drill-reveal-commitment-format-changed",
        REVEAL,
        ("d/commitment.json", "format", "yingji-drill-commitment/2"),
        sealed_then(public_field("format", "yingji-drill-commitment/2")),
    ),
    Case(
        "drill-reveal-commitment-hash-changed",
        REVEAL,
        ("d/commitment.json", "hash", "sha3"),
        sealed_then(public_field("hash", "sha3(script)")),
    ),
    Case(
        "drill-reveal-commitment-sealed-file-removed",
        REVEAL,
        ("d/commitment.json", "sealed_file", "None"),
        sealed_then(public_field("sealed_file", None)),
    ),
    Case(
        "drill-reveal-folder-is-file",
        ("drill", "reveal", "--early", "afile", "--key", "k.key"),
        ("afile",),
        sealed,
    ),
    Case(
        "drill-reveal-no-folder",
        ("drill", "reveal", "--early", "nope", "--key", "k.key"),
        ("nope",),
        sealed,
    ),
    Case("drill-reveal-twice", REVEAL, ("d/revealed", "already"), revealed),
    # --- verify
    Case(
        "drill-verify-not-revealed", ("drill", "verify", "d"), ("d/revealed/script.json",), sealed
    ),
    Case(
        "drill-verify-commitment-garbage",
        ("drill", "verify", "d"),
        ("d/commitment.json",),
        revealed_then(garbage_commitment),
    ),
    Case(
        "drill-verify-commitment-sealed-file-changed",
        ("drill", "verify", "d"),
        ("d/commitment.json", "sealed_file", "other.sealed"),
        revealed_then(public_field("sealed_file", "other.sealed")),
    ),
    Case(
        "drill-verify-commitment-format-changed",
        ("drill", "verify", "d"),
        ("d/commitment.json", "format"),
        revealed_then(public_field("format", "yingji-drill-commitment/0")),
    ),
    Case(
        "drill-verify-script-changed",
        ("drill", "verify", "d"),
        ("d/revealed/script.json",),
        revealed_then(edit_script),
    ),
    Case(
        "drill-verify-opening-truncated",
        ("drill", "verify", "d"),
        ("d/revealed/opening.json",),
        revealed_then(truncate_opening),
    ),
    Case(
        "drill-verify-redraw-other-file",
        ("drill", "verify", "d", "--redraw", "other.toml"),
        ("other.toml", "not the drill file"),
        revealed_then(other_toml),
    ),
    Case(
        "drill-verify-redraw-malformed",
        ("drill", "verify", "d", "--redraw", "bad.toml"),
        ("bad.toml",),
        revealed_then(lambda t: write(t, "bad.toml", "[[[\n")),
    ),
    Case("drill-verify-folder-is-file", ("drill", "verify", "afile"), ("afile",), paths),
    # --- contribute
    Case(
        "drill-contribute-secret-exists",
        (*CONTRIB, "--secret", "alice.json", "--commitments", "commitments.json"),
        ("alice.json", "--secret"),
        contributed,
    ),
    Case(
        "drill-contribute-secret-under-file",
        (*CONTRIB, "--secret", "afile/bob.json", "--commitments", "commitments.json"),
        ("afile", "--secret"),
        contributed,
    ),
    Case(
        "drill-contribute-commitments-is-folder",
        (*CONTRIB, "--secret", "bob.json", "--commitments", "mine"),
        ("mine", "--commitments"),
        contributed,
    ),
    Case(
        "drill-contribute-commitments-under-file",
        (*CONTRIB, "--secret", "bob.json", "--commitments", "afile/c.json"),
        ("afile", "--commitments"),
        contributed,
    ),
    Case(
        "drill-contribute-commitments-garbage",
        (*CONTRIB, "--secret", "bob.json", "--commitments", "garbage.json"),
        ("garbage.json",),
        contributed,
    ),
    Case(
        "drill-contribute-same-file",
        (*CONTRIB, "--secret", "bob.json", "--commitments", "bob.json"),
        ("bob.json", "--secret"),
        contributed,
    ),
    Case(
        "drill-contribute-party-published",
        (
            "drill",
            "contribute",
            "--party",
            "alice",
            "--secret",
            "alice2.json",
            "--commitments",
            "commitments.json",
        ),
        ("commitments.json", "alice"),
        contributed,
    ),
    Case(
        "drill-contribute-party-bad-name",
        (
            "drill",
            "contribute",
            "--party",
            "a/b",
            "--secret",
            "x.json",
            "--commitments",
            "commitments.json",
        ),
        ("--party", "a/b"),
        contributed,
    ),
]
