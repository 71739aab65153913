"""Every factor a shipped example experiment varies has a name a person reads (乡镇值班...)."""

from __future__ import annotations

import re
import tomllib

import pytest

from experiments.analysis import FACTOR_LABELS, factor_text, point_text
from networks.i18n import language
from tests.conftest import REPO

CJK = re.compile(r"[\u4e00-\u9fff]")


def _example_factor_keys() -> dict[str, list[str]]:
    """Factor keys of every experiment under examples/ (a file with ``[[factors]]``)."""
    found = {}
    for path in sorted((REPO / "examples").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("factors"):
            found[path.name] = [f["key"] for f in data["factors"]]
    return found


def test_the_examples_have_experiments_to_check():
    keys = _example_factor_keys()
    assert "reporting.toml" in keys and "duty.township.officers" in keys["reporting.toml"]
    assert len(keys) >= 5


def test_every_factor_of_every_shipped_experiment_has_a_label():
    missing = [
        f"{name}: {key}"
        for name, keys in _example_factor_keys().items()
        for key in keys
        if key not in FACTOR_LABELS
    ]
    assert missing == []


@pytest.mark.parametrize(
    "key", sorted({k for keys in _example_factor_keys().values() for k in keys})
)
def test_every_shipped_factor_reads_in_chinese(key):
    with language("zh"):
        assert CJK.search(factor_text(key)) and key not in point_text({key: 1})
    with language("en"):
        assert factor_text(key) == key  # English shows the key, as --baseline takes it
