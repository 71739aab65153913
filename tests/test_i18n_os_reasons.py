"""The operating system's reasons in Chinese output (not "无法读取：Is a directory")."""

from __future__ import annotations

import errno
import os

from experiments.cli import main
from networks import i18n
from networks.i18n import os_reason


def test_known_reasons_are_chinese_in_chinese_and_the_systems_own_in_english():
    exc = OSError(errno.EISDIR, os.strerror(errno.EISDIR), "x")
    with i18n.language("zh"):
        assert os_reason(exc) == "是文件夹"
        assert os_reason(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))) == "磁盘空间已满"
        odd = OSError(errno.EMLINK, os.strerror(errno.EMLINK))  # not listed: as the system says
        assert os_reason(odd) == os.strerror(errno.EMLINK)
    with i18n.language("en"):
        assert os_reason(exc) == os.strerror(errno.EISDIR)


def test_a_folder_given_as_the_config_reads_in_chinese(tmp_path, capsys):
    assert main(["--lang", "zh", "run", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("无法读取：是文件夹") and "Is a directory" not in err
