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


def test_an_experiment_folder_is_named_as_one_when_refused(tmp_path):
    import json

    from experiments.manifest import FORMAT
    from experiments.outdir import check_folder_target
    from networks.errors import ConfigError

    exp = tmp_path / "exp1"
    exp.mkdir()
    (exp / "manifest.json").write_text(json.dumps({"format": FORMAT}))
    with pytest.raises(ConfigError, match="output of 'yingji experiment run'"):
        check_folder_target(exp, command="run", overwrite=True)
    (exp / "manifest.json").write_text("{}")  # anybody's folder: not called yingji's
    with pytest.raises(ConfigError, match="not written by yingji"):
        check_folder_target(exp, command="run", overwrite=True)


def test_a_link_round_in_a_loop_is_one_clear_refusal(tmp_path):
    from networks.errors import ConfigError

    loop = tmp_path / "out"
    loop.symlink_to(loop)
    with pytest.raises(ConfigError, match="loop") as info:
        with staged_folder(loop, command="run"):
            pass
    assert str(info.value).startswith(str(loop))
    assert loop.is_symlink() and [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("exists", [True, False])
def test_a_drill_drawn_into_a_link_lands_where_it_points(tmp_path, exists, capsys):
    # drill draw said "cannot create (Not a directory)" for a link to a folder not yet made.
    from experiments.cli import main
    from tests.conftest import REPO

    real = tmp_path / "big" / "drill"
    real.mkdir(parents=True) if exists else real.parent.mkdir()
    link = tmp_path / "d"
    link.symlink_to(real, target_is_directory=True)
    assert main(["drill", "draw", str(REPO / "examples" / "drill.toml"), "--out", str(link),
                 "--key", str(tmp_path / "k.key"), "--seed", "5"]) == 0  # fmt: skip
    assert link.is_symlink() and sorted(p.name for p in real.iterdir()) == [
        "commitment.json", "script.sealed",
    ]  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "d", "k.key"]
    # revealed and verified through the link too
    assert main(["drill", "reveal", "--early", str(link), "--key", str(tmp_path / "k.key")]) == 0
    assert main(["drill", "verify", str(link)]) == 0 and (real / "revealed").is_dir()
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    capsys.readouterr()
    assert main(["drill", "draw", str(REPO / "examples" / "drill.toml"), "--out", str(loop),
                 "--key", str(tmp_path / "k.key"), "--seed", "5"]) == 2  # fmt: skip
    assert "loop" in capsys.readouterr().err
