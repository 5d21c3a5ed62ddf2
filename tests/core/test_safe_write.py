"""safe_write: atomic and all-or-nothing writes that clean up on every failure, never through a link."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from ptc_bench.core import safe_write
from ptc_bench.core.safe_write import StagedFiles, WriteError, atomic_open, atomic_write_text, output_folder


def _disk_full(*_args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_atomic_write_replaces_the_file_with_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_text("old", encoding="utf-8")
    atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_full_disk_at_fsync_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "samples.jsonl"
    target.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(safe_write.os, "fsync", _disk_full)
    with (
        pytest.raises(WriteError, match=r"cannot write .*samples.jsonl: No space left on device"),
        atomic_open(target) as handle,
    ):
        handle.write("new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samples.jsonl"]


def test_staged_files_are_renamed_in_together_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "results.json").write_text("old results", encoding="utf-8")
    (tmp_path / "samples.jsonl").write_text("old samples", encoding="utf-8")
    with pytest.raises(WriteError, match=r"samples\.jsonl"), StagedFiles() as staged:
        staged.write_text(tmp_path / "results.json", "new results")
        monkeypatch.setattr(safe_write.os, "fsync", _disk_full)
        staged.write_text(tmp_path / "samples.jsonl", "new samples")
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == "old results"  # never mixed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json", "samples.jsonl"]
    monkeypatch.undo()
    with StagedFiles() as staged:
        staged.write_text(tmp_path / "results.json", "new results")
        staged.write_text(tmp_path / "samples.jsonl", "new samples")
    assert (tmp_path / "samples.jsonl").read_text(encoding="utf-8") == "new samples"


def test_an_exception_in_the_block_discards_everything(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), StagedFiles() as staged:
        staged.write_text(tmp_path / "a.txt", "a")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_output_folder_refuses_a_link_that_leads_out(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "leaderboard").symlink_to(victim)
    with pytest.raises(WriteError, match="refusing to write through a symbolic link"):
        output_folder(runs / "leaderboard", within=runs)
    inside = runs / "real"
    inside.mkdir()
    (runs / "alias").symlink_to(inside)
    assert output_folder(runs / "alias", within=runs) == runs / "alias"  # a link inside is fine


def test_output_folder_names_an_unusable_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(WriteError, match=r"cannot create the folder .*file/sub"):
        output_folder(tmp_path / "file" / "sub")
