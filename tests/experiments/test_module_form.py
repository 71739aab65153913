"""``python -m experiments`` starts from any folder, as ``yingji`` does."""

from __future__ import annotations

import subprocess
import sys


def test_a_folder_with_a_scenarios_subfolder_does_not_hide_yingjis_own(tmp_path):
    # The shipped examples have such a folder (examples/scenarios/, scenario TOML files).
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "mine.toml").write_text("", encoding="utf-8")
    (tmp_path / "sim").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "--lang", "en", "scenario", "list"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "typical_week" in proc.stdout and not proc.stderr
