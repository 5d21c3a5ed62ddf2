"""resolve_data_dir: --data-dir, then PTC_DATA_DIR, then the embedded sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptc_bench.benchmark.data import resolve_data_dir
from ptc_bench.benchmark.data.sample import sample_markup_files
from ptc_bench.core.errors import UserError


def _release(root: Path) -> Path:
    (root / "train-articles").mkdir(parents=True)
    return root


def test_option_wins_over_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTC_DATA_DIR", str(_release(tmp_path / "env")))
    source = resolve_data_dir(str(_release(tmp_path / "option")))
    assert source.path == (tmp_path / "option").resolve()
    assert not source.is_sample and source.notice is None


def test_environment_used_without_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTC_DATA_DIR", str(_release(tmp_path / "env")))
    assert resolve_data_dir(None).path == (tmp_path / "env").resolve()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "does not exist"),
        (lambda p: (p / "file").touch() or p / "file", "is not a folder"),
        (lambda p: p, "is not a PTC release: it has no train-articles/ folder"),
    ],
)
def test_bad_folders_are_user_errors(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match=rf"\(from --data-dir\) {message}"):
        resolve_data_dir(str(make(tmp_path)))


def test_bad_environment_folder_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTC_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(UserError, match=r"\(from PTC_DATA_DIR\) does not exist"):
        resolve_data_dir(None)


def test_falls_back_to_the_sample_with_a_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    if not all(path.is_file() for path in sample_markup_files().values()):
        pytest.skip("the packaged sample corpus is not written yet")
    monkeypatch.delenv("PTC_DATA_DIR", raising=False)
    source = resolve_data_dir(None)
    assert source.is_sample
    assert source.notice is not None and "sample corpus" in source.notice and "\n" not in source.notice
    assert (source.path / "train-articles").is_dir() and (source.path / "dev-articles").is_dir()
