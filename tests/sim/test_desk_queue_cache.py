"""The compiled duty-desk code is cached in the user's cache folder, not the installed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import compiled

numba_config = pytest.importorskip("numba.core.config")


def _triple(x):
    return 3 * x


@pytest.fixture
def no_user_cache_dir(monkeypatch):
    monkeypatch.setattr(numba_config, "CACHE_DIR", "")


def _cache_files(folder: Path) -> set[str]:
    return {p.name for p in folder.rglob("*") if p.suffix in (".nbi", ".nbc")}


def test_compiled_code_is_cached_in_the_user_cache(tmp_path, monkeypatch, no_user_cache_dir):
    if compiled._njit() is None:  # pragma: no cover - numba is a dependency
        pytest.skip("numba is not installed")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "cache"))
    beside = Path(__file__).parent / "__pycache__"
    before = _cache_files(beside) if beside.is_dir() else set()
    fn = compiled.compile_function(_triple)
    assert fn(2) == 6  # compiles, and writes the cache
    assert numba_config.CACHE_DIR == ""  # other numba code keeps its own setting
    assert compiled.cache_dir().is_relative_to(tmp_path / "cache")
    written = _cache_files(compiled.cache_dir())
    assert any(name.startswith("test_desk_queue_cache._triple") for name in written), written
    after = _cache_files(beside) if beside.is_dir() else set()
    assert not {n for n in after - before if "_triple" in n}


def test_a_user_numba_cache_dir_is_kept(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(numba_config, "CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def njit(**kw):
        asked.append((kw, numba_config.CACHE_DIR))
        return lambda fn: fn

    monkeypatch.setattr(compiled, "_njit", lambda: njit)
    compiled.compile_function(_triple)
    assert asked == [({"cache": True, "nogil": True}, str(tmp_path / "mine"))]
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_user_cache_compiles_without_a_disk_cache(
    tmp_path, monkeypatch, no_user_cache_dir
):
    # A file where the cache folder should be: not even numba's fallback beside the code.
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "file"))
    asked = []

    def njit(**kw):
        asked.append(kw)
        return lambda fn: ("compiled", fn)

    monkeypatch.setattr(compiled, "_njit", lambda: njit)
    assert compiled.compile_function(_triple) == ("compiled", _triple)
    assert asked == [{"nogil": True}]
