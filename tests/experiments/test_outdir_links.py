"""An output folder given as a symbolic link is written through the link, which is kept."""

from __future__ import annotations

import pytest

from experiments.outdir import MARKER, staged_folder


@pytest.mark.parametrize("exists", [True, False])
def test_a_linked_output_folder_is_written_where_the_link_points(tmp_path, exists):
    real = tmp_path / "big" / "res"
    if exists:
        real.mkdir(parents=True)
    else:
        real.parent.mkdir()
    (tmp_path / "lk").mkdir()
    link = tmp_path / "lk" / "out"
    link.symlink_to(real, target_is_directory=True)
    for k, overwrite in enumerate((False, True)):  # a first run, then one replacing it
        with staged_folder(link, command="run", overwrite=overwrite) as stage:
            (stage / "summary.json").write_text(str(k))
        assert link.is_symlink() and link.resolve() == real.resolve()
        assert (real / "summary.json").read_text() == str(k)
        assert (real / MARKER).is_file()
    # nothing left beside the link or the folder (no link renamed aside, no staging)
    assert [p.name for p in (tmp_path / "lk").iterdir()] == ["out"]
    assert [p.name for p in real.parent.iterdir()] == ["res"]
