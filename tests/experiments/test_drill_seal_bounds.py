"""The seal's reader: a changed sealed file is named before any key derivation, every
scrypt parameter is bounded, and the scrypt_n limit is one number named in its messages
(audit_drill findings 3 and 10)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys

import pytest

from experiments.cli import main
from experiments.drill.seal import MAGIC, ScryptParams, Secret, seal, unseal
from scenarios.drill import SealError
from tests.experiments.cli_calls import one_line, run

SMALL = """[drill]
start = 2099-12-01T08:00:00+08:00
end = 2099-12-02T08:00:00+08:00
[benchmark]
replications = 0
[seal]
scrypt_n = 1024
"""
PASSPHRASE = "our drill passphrase\n"


def with_header(data: bytes, **kdf: object) -> bytes:
    """``data`` (a sealed file) with its header's KDF replaced by ``kdf``."""
    n = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
    start = len(MAGIC) + 4
    header = json.loads(data[start : start + n])
    header["kdf"] = kdf
    hb = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + len(hb).to_bytes(4, "big") + hb + data[start + n :]


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    """A drill sealed with a passphrase (cheap scrypt), and one sealed with a key file."""
    base = tmp_path_factory.mktemp("sealed")
    (base / "drill.toml").write_text(SMALL)
    (base / "pw.txt").write_text(PASSPHRASE)
    assert (
        main(["drill", "draw", str(base / "drill.toml"), "--out", str(base / "p"),
              "--passphrase-file", str(base / "pw.txt"), "--seed", "1"])
        == 0
    )  # fmt: skip
    assert (
        main(["drill", "draw", str(base / "drill.toml"), "--out", str(base / "k"),
              "--key", str(base / "k.key"), "--seed", "1"])
        == 0
    )  # fmt: skip
    return base


@pytest.fixture
def no_kdf(monkeypatch):
    """Fail the test if scrypt is ever run."""

    def refuse(self, key_material):  # noqa: ANN001, ANN202
        raise AssertionError("scrypt ran on a header nobody committed to")

    monkeypatch.setattr("cryptography.hazmat.primitives.kdf.scrypt.Scrypt.derive", refuse)


def test_a_header_asking_for_huge_scrypt_work_is_named_as_changed_before_any_kdf(
    sealed, tmp_path, capsys, no_kdf
):
    d = tmp_path / "p"
    shutil.copytree(sealed / "p", d)
    data = (d / "script.sealed").read_bytes()
    bad = with_header(data, name="scrypt", salt="00" * 16, n=2**17, r=8, p=100000)
    (d / "script.sealed").write_bytes(bad)
    code, _, err = run(capsys, "drill", "reveal", d, "--passphrase-file", sealed / "pw.txt")
    line = one_line(err)
    assert code == 2
    assert str(d / "script.sealed") in line and "changed since the draw" in line
    assert "commitment.json" in line
    assert not (d / "revealed").exists()


def test_a_key_sealed_file_rewritten_to_scrypt_is_not_called_passphrase_sealed(
    sealed, tmp_path, capsys, no_kdf
):
    d = tmp_path / "k"
    shutil.copytree(sealed / "k", d)
    data = (d / "script.sealed").read_bytes()
    (d / "script.sealed").write_bytes(
        with_header(data, name="scrypt", salt="00" * 16, n=1024, r=8, p=1)
    )
    line = one_line(run(capsys, "drill", "reveal", d, "--key", sealed / "k.key")[2])
    assert "changed since the draw" in line and "passphrase" not in line


@pytest.mark.parametrize(
    ("kdf", "named"),
    [
        ({"n": 2**17, "r": 8, "p": 100000}, "kdf.p"),
        ({"n": 2**17, "r": 5000, "p": 1}, "kdf.r"),
        ({"n": 2**30, "r": 1, "p": 1}, "kdf.n"),
        ({"n": "131072", "r": 8, "p": 1}, "kdf.n"),
        ({"n": 2**21, "r": 16, "p": 1}, "kdf.n"),
    ],
)
def test_a_committed_header_out_of_bounds_names_the_parameter_without_running_scrypt(
    sealed, tmp_path, capsys, no_kdf, kdf, named
):
    """Even with commitment.json rewritten to match, no header can ask for unbounded work."""
    d = tmp_path / "p"
    shutil.copytree(sealed / "p", d)
    bad = with_header((d / "script.sealed").read_bytes(), name="scrypt", salt="00" * 16, **kdf)
    (d / "script.sealed").write_bytes(bad)
    public = json.loads((d / "commitment.json").read_text())
    public["sealed_sha256"] = hashlib.sha256(bad).hexdigest()
    (d / "commitment.json").write_text(json.dumps(public))
    code, _, err = run(capsys, "drill", "reveal", d, "--passphrase-file", sealed / "pw.txt")
    line = one_line(err)
    assert code == 2 and str(d / "script.sealed") in line
    assert "header is damaged" in line and named in line


@pytest.fixture(scope="module")
def good_seal() -> bytes:
    return seal(b"payload", Secret(passphrase=b"long enough phrase"), scrypt=ScryptParams(n=1024))


def test_unseal_bounds_every_kdf_parameter_itself(good_seal, no_kdf):
    good = good_seal
    for p in (65, 10**9):
        with pytest.raises(SealError, match=r"kdf\.p must be a whole number from 1 to 64"):
            unseal(
                with_header(good, name="scrypt", salt="00" * 16, n=1024, r=8, p=p),
                Secret(passphrase=b"long enough phrase"),
            )


def test_a_right_key_on_a_file_changed_with_its_digest_is_not_blamed_alone(
    sealed, tmp_path, capsys
):
    """A byte after the header flipped, sealed_sha256 rewritten: the key may be right."""
    for name, secret in (("k", ["--key", sealed / "k.key"]),
                         ("p", ["--passphrase-file", sealed / "pw.txt"])):  # fmt: skip
        d = tmp_path / name
        shutil.copytree(sealed / name, d)
        data = bytearray((d / "script.sealed").read_bytes())
        data[-100] ^= 0x01
        (d / "script.sealed").write_bytes(bytes(data))
        public = json.loads((d / "commitment.json").read_text())
        public["sealed_sha256"] = hashlib.sha256(bytes(data)).hexdigest()
        (d / "commitment.json").write_text(json.dumps(public))
        line = one_line(run(capsys, "drill", "reveal", "--early", d, *secret)[2])
        assert str(d / "script.sealed") in line
        assert "changed since the draw" in line and str(d / "commitment.json") in line, line
        assert "sealed_sha256" in line and not (d / "revealed").exists()


def test_a_wrong_key_or_passphrase_names_its_file(sealed, tmp_path, capsys):
    other = tmp_path / "other.key"
    other.write_text("ab" * 32)
    line = one_line(run(capsys, "drill", "reveal", sealed / "k", "--key", other)[2])
    assert "wrong key" in line and str(other) in line and str(sealed / "k") in line
    bad = tmp_path / "bad.txt"
    bad.write_text("not our passphrase\n")
    line = one_line(run(capsys, "drill", "reveal", sealed / "p", "--passphrase-file", bad)[2])
    assert "wrong passphrase" in line and str(bad) in line
    assert not (sealed / "k" / "revealed").exists() and not (sealed / "p" / "revealed").exists()


# ------------------------------------------------------------------ finding 10
def test_the_scrypt_n_limit_is_one_number_and_fits_the_memory_bound():
    from experiments.commands.drill import MAX_SCRYPT_N as CLI_MAX
    from experiments.drill.seal import MAX_SCRYPT_MEMORY, MAX_SCRYPT_N

    assert CLI_MAX == MAX_SCRYPT_N == 2**21
    assert 128 * 8 * MAX_SCRYPT_N == MAX_SCRYPT_MEMORY == 2 * 2**30  # 2 GiB at r = 8
    ScryptParams(n=MAX_SCRYPT_N)  # the largest n is accepted at the default r
    with pytest.raises(SealError, match=f"scrypt_n must be a power of two from 2 to {2**21}"):
        ScryptParams(n=2 * MAX_SCRYPT_N)
    with pytest.raises(SealError, match=r"scrypt_n = 2097152 with scrypt_r = 16 needs 4096 MiB"):
        ScryptParams(n=MAX_SCRYPT_N, r=16)


def test_scrypt_n_above_the_limit_is_refused_naming_the_option(tmp_path, capsys):
    (tmp_path / "pw.txt").write_text(PASSPHRASE)
    (tmp_path / "drill.toml").write_text(SMALL)
    code, _, err = run(
        capsys, "drill", "draw", tmp_path / "drill.toml", "--out", tmp_path / "d",
        "--passphrase-file", tmp_path / "pw.txt", "--seed", 1, "--scrypt-n", 2**22,
    )  # fmt: skip
    assert code == 2 and "--scrypt-n" in err and "2097152" in err
    assert not (tmp_path / "d").exists()


def test_seal_scrypt_n_above_the_limit_names_the_key_and_the_limit(tmp_path, capsys):
    (tmp_path / "pw.txt").write_text(PASSPHRASE)
    (tmp_path / "drill.toml").write_text(SMALL.replace("scrypt_n = 1024", "scrypt_n = 4194304"))
    code, _, err = run(
        capsys, "drill", "draw", tmp_path / "drill.toml", "--out", tmp_path / "d",
        "--passphrase-file", tmp_path / "pw.txt", "--seed", 1,
    )  # fmt: skip
    line = one_line(err)
    assert code == 2 and "drill.toml" in line and "scrypt_n" in line and "2097152" in line
    assert "2 GiB" not in line  # the old line named neither the key nor the limit


def test_help_of_scrypt_n_states_the_limit(capsys):
    assert main(["drill", "draw", "--help"]) == 0
    assert "2**21" in capsys.readouterr().out


def test_the_seal_table_bound_is_the_same_number():
    from experiments.drill.config import SEAL
    from experiments.drill.seal import MAX_SCRYPT_N

    (key,) = [k for k in SEAL.keys if k.name == "scrypt_n"]
    assert key.hi == MAX_SCRYPT_N


@pytest.mark.parametrize("digest", [None, "", "xyz", 5])
def test_a_commitment_without_a_usable_sealed_sha256_is_named(sealed, tmp_path, capsys, digest):
    d = tmp_path / "k"
    shutil.copytree(sealed / "k", d)
    public = json.loads((d / "commitment.json").read_text())
    if digest is None:
        del public["sealed_sha256"]
    else:
        public["sealed_sha256"] = digest
    (d / "commitment.json").write_text(json.dumps(public))
    line = one_line(run(capsys, "drill", "reveal", d, "--key", sealed / "k.key")[2])
    assert f"{d / 'commitment.json'}: sealed_sha256:" in line
    assert not (d / "revealed").exists()


def test_a_header_an_earlier_version_sealed_with_a_larger_n_still_reaches_the_kdf(
    good_seal, monkeypatch
):
    """Earlier versions sealed with any n within 2 GiB (2**22 at r = 2): such drills must
    still reveal, though a new seal is refused above 2**21."""
    asked = []

    class Fake:
        def __init__(self, **kw):  # noqa: ANN003
            asked.append(kw)

        def derive(self, material: bytes) -> bytes:
            return b"\0" * 32  # not the key: decryption fails, after the header was accepted

    # The module (the package's ``seal`` name is the function).
    monkeypatch.setattr(sys.modules["experiments.drill.seal"], "Scrypt", Fake)
    old = with_header(good_seal, name="scrypt", salt="00" * 16, n=2**22, r=2, p=1)
    with pytest.raises(SealError) as caught:
        unseal(old, Secret(passphrase=b"long enough phrase"))
    assert "damaged" not in str(caught.value)
    assert [(k["n"], k["r"], k["p"]) for k in asked] == [(2**22, 2, 1)]
    with pytest.raises(SealError, match="2097152"):
        ScryptParams(n=2**22, r=2)


def test_an_n_scrypt_cannot_take_with_that_r_is_one_line_naming_r(tmp_path, capsys):
    """scrypt needs n < 2**(16 r): with r = 1 the default n = 2**17 is refused by name
    (it escaped as a MemoryError traceback)."""
    with pytest.raises(SealError, match="scrypt_r of at least 2"):
        ScryptParams(n=2**17, r=1)
    assert ScryptParams(n=2**15, r=1).r == 1
    (tmp_path / "pw.txt").write_text(PASSPHRASE)
    (tmp_path / "drill.toml").write_text(
        SMALL.replace("scrypt_n = 1024", "scrypt_n = 131072\nscrypt_r = 1")
    )
    code, _, err = run(
        capsys, "drill", "draw", tmp_path / "drill.toml", "--out", tmp_path / "d",
        "--passphrase-file", tmp_path / "pw.txt", "--seed", 1,
    )  # fmt: skip
    line = one_line(err)
    assert code == 2 and "drill.toml" in line and "scrypt_r" in line
    assert not (tmp_path / "d").exists()
