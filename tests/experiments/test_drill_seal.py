"""AES-GCM seals: every changed byte and every wrong secret is refused."""

from __future__ import annotations

import os

import pytest

from experiments.drill.seal import (
    MAGIC,
    ScryptParams,
    Secret,
    WrongSecret,
    new_key_file,
    read_key,
    read_passphrase,
    seal,
    unseal,
)
from scenarios.drill import SealError

FAST = ScryptParams(n=2**10, r=8, p=1)
KEY = Secret(key=bytes(range(32)))


def test_key_seal_round_trips_and_every_flipped_byte_is_refused():
    payload = b'{"script":"secret scene at node 1234"}'
    sealed = seal(payload, KEY)
    assert sealed.startswith(MAGIC) and payload not in sealed and b"1234" not in sealed
    assert unseal(sealed, KEY) == payload
    for i in range(len(sealed)):  # header, nonce, ciphertext and tag alike
        bad = bytearray(sealed)
        bad[i] ^= 0x01
        with pytest.raises(SealError):
            unseal(bytes(bad), KEY)
    with pytest.raises(SealError):
        unseal(sealed[:-1], KEY)
    with pytest.raises(SealError):
        unseal(sealed + b"\0", KEY)


def test_seals_of_the_same_payload_differ():
    assert seal(b"same", KEY) != seal(b"same", KEY)  # fresh nonce every time


def test_wrong_key_and_wrong_kind_of_secret_are_refused():
    sealed = seal(b"x", KEY)
    with pytest.raises(SealError, match="wrong key or passphrase"):
        unseal(sealed, Secret(key=bytes(32)))
    with pytest.raises(SealError, match="sealed with a key file"):
        unseal(sealed, Secret(passphrase=b"long enough phrase"))


def test_passphrase_seal_uses_scrypt_with_the_parameters_given():
    good = Secret(passphrase=b"correct horse battery")
    sealed = seal(b"payload", good, scrypt=FAST)
    assert b'"n":1024' in sealed and b'"name":"scrypt"' in sealed
    assert unseal(sealed, good) == b"payload"
    with pytest.raises(SealError, match="wrong key or passphrase"):
        unseal(sealed, Secret(passphrase=b"correct horse battery!"))
    with pytest.raises(SealError, match="passphrase"):
        unseal(sealed, KEY)


def test_default_kdf_is_strong_and_parameters_are_checked():
    d = ScryptParams()
    assert d.n >= 2**17 and d.r >= 8 and 128 * d.r * d.n >= 128 * 2**20
    for bad in ({"n": 1000}, {"n": 1}, {"r": 0}, {"n": 2**24, "r": 16}):
        with pytest.raises(SealError):
            ScryptParams(**bad)


def test_key_and_passphrase_files(tmp_path):
    k = tmp_path / "k.key"
    key = new_key_file(k)
    assert read_key(k) == key and len(key) == 32
    assert (os.stat(k).st_mode & 0o777) == 0o600
    with pytest.raises(SealError, match="already exists"):
        new_key_file(k)
    raw = tmp_path / "raw.key"
    raw.write_bytes(b"\n" * 32)
    assert read_key(raw) == b"\n" * 32
    (tmp_path / "short.key").write_text("abcd")
    with pytest.raises(SealError, match="64 hex digits"):
        read_key(tmp_path / "short.key")
    with pytest.raises(SealError, match="cannot read"):
        read_key(tmp_path / "missing.key")
    # saved again in Notepad (a byte-order mark, a CRLF): the same key
    resaved = tmp_path / "resaved.key"
    resaved.write_bytes(b"\xef\xbb\xbf" + k.read_bytes().strip() + b"\r\n")
    assert read_key(resaved) == key
    # 64 characters, one not a hex digit: named, not the file's size (65 bytes, as a good one)
    typo = tmp_path / "typo.key"
    typo.write_text(key.hex()[:10] + "g" + key.hex()[11:] + "\n")
    assert typo.stat().st_size == k.stat().st_size
    with pytest.raises(SealError, match="has 'g' among its 64 characters"):
        read_key(typo)
    p = tmp_path / "pass.txt"
    p.write_bytes(b"a long passphrase\n")
    assert read_passphrase(p) == b"a long passphrase"
    p.write_bytes(b"short\n")
    with pytest.raises(SealError, match="shorter"):
        read_passphrase(p)


def test_scripts_that_differ_by_their_hazards_form_seal_to_one_size():
    from experiments.drill.folder import padded

    # A bureau's own forms put one drill file's scripts at 65,692 and 131,228 bytes by
    # hazard: 64 KiB steps sealed them to 128 KiB and 192 KiB, naming the hazard.
    sizes = {len(padded(b"{}" + b" " * n)) for n in (20_000, 65_690, 131_226, 400_000)}
    assert len(sizes) == 1
    payload = b'{"script":1}'
    assert padded(payload).rstrip(b" ") == payload  # spaces only, JSON reads it the same


def _phrase_file(folder, name: str, data: bytes):
    path = folder / name
    path.write_bytes(data)
    return path


def test_a_passphrase_opens_whatever_encoding_its_file_is_saved_in(tmp_path):
    # Notepad on a Chinese Windows saves GBK (ANSI) or UTF-8 with a byte-order mark: the
    # same words must open the drill whichever file the organiser brings to the reveal.
    words = "应急演练口令 2026"
    files = [
        _phrase_file(tmp_path, "utf8.txt", words.encode("utf-8")),
        _phrase_file(tmp_path, "bom.txt", b"\xef\xbb\xbf" + words.encode("utf-8") + b"\r\n"),
        _phrase_file(tmp_path, "gbk.txt", words.encode("gbk")),
    ]
    for drawn in files:
        # as the draw seals: the passphrase as its text in UTF-8
        sealed = seal(b"payload", Secret.from_files(key_file=None, passphrase_file=drawn),
                      scrypt=FAST)  # fmt: skip
        for revealed in files:
            secret = Secret.from_files(key_file=None, passphrase_file=revealed)
            assert unseal(sealed, secret) == b"payload", (drawn.name, revealed.name)
    other = _phrase_file(tmp_path, "other.txt", "应急演练口令 2027".encode("gbk"))
    with pytest.raises(WrongSecret):
        unseal(sealed, Secret.from_files(key_file=None, passphrase_file=other))


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_drill_sealed_with_the_files_own_bytes_still_opens(tmp_path, encoding):
    # Before, the file's bytes were the passphrase as they were: a GBK file, or one with a
    # byte-order mark, sealed with those bytes; that file, or the same words in UTF-8, opens.
    words = "县应急管理局双盲演练"
    raw = words.encode(encoding)
    old = seal(b"payload", Secret(passphrase=raw), scrypt=FAST)
    same = _phrase_file(tmp_path, "same.txt", raw)
    plain = _phrase_file(tmp_path, "plain.txt", words.encode("utf-8"))
    for path in (same, plain):
        assert unseal(old, Secret.from_files(key_file=None, passphrase_file=path)) == b"payload"


def test_gbk_bytes_that_are_valid_utf8_too_open_a_drill_sealed_from_the_utf8_file(tmp_path):
    # 录取 in GBK is also valid UTF-8 (other characters): read as UTF-8 it is not the words.
    words = "录取2026abc应"
    raw = words.encode("gbk")
    raw.decode("utf-8")  # the premise: these GBK bytes are UTF-8 as well
    sealed = seal(b"payload", Secret.from_files(
        key_file=None, passphrase_file=_phrase_file(tmp_path, "u.txt", words.encode("utf-8"))
    ), scrypt=FAST)  # fmt: skip
    gbk = Secret.from_files(key_file=None, passphrase_file=_phrase_file(tmp_path, "g.txt", raw))
    assert unseal(sealed, gbk) == b"payload"


def test_a_byte_order_mark_does_not_pass_for_a_passphrases_letters(tmp_path):
    from scenarios.drill import SealError

    for body in (b"abcde", b"     "):
        path = _phrase_file(tmp_path, "bom.txt", b"\xef\xbb\xbf" + body)
        with pytest.raises(SealError, match="shorter|empty"):
            read_passphrase(path, drawing=True)
        # a reveal reads the bytes as before: a drill sealed with them still opens
        assert read_passphrase(path) == b"\xef\xbb\xbf" + body
