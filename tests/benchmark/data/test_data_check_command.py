"""`bench data check` through benchmark.cli.main: tables, JSON numbers, errors with file:line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.data.sample import sample_markup_files


def test_json_numbers_on_the_real_release(ptc_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check", "--data-dir", str(ptc_dir), "--json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert err == ""
    assert report["valid"] is True and report["is_sample"] is False and report["window_chars"] == 2000
    train, dev, test = (report["splits"][name] for name in ("train", "dev", "test"))
    assert (train["articles"], train["gold"]["spans"]) == (371, 6128)
    assert (dev["articles"], dev["gold"]["spans"]) == (75, 1063)
    assert (test["articles"], test["gold"]) == (90, None)
    assert train["gold"]["techniques"]["Loaded_Language"] == 2123
    assert dev["gold"]["techniques"]["Flag-Waving"] == 87
    assert (train["gold"]["multi_label_spans"], dev["gold"]["multi_label_spans"]) == (41, 22)
    assert (train["gold"]["overlapping_pairs"], dev["gold"]["overlapping_pairs"]) == (781, 127)
    assert (train["gold"]["duplicate_rows"], train["gold"]["empty_label_articles"]) == (0, 14)
    assert (train["gold"]["si_spans"], train["gold"]["si_not_covered"]) == (5468, 0)
    assert (train["windows"]["windows"], train["windows"]["clipped_spans"]) == (1270, 13)
    assert (dev["windows"]["windows"], dev["windows"]["clipped_spans"]) == (219, 3)


def test_tables_on_the_real_release(ptc_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check", "--data-dir", str(ptc_dir)]) == 0
    out = capsys.readouterr().out
    assert "PTC release at" in out and "valid" in out
    assert "6,128" in out and "1,063" in out and "no gold" in out
    assert "name-calling" in out and "1,058" in out


def test_window_chars_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], write_release: Callable[..., Path]
) -> None:
    write_release(tmp_path, "train", {"1": "aaaa\nbbbb\n"}, [("1", "Doubt", 0, 9)])
    assert main(["data", "check", "--data-dir", str(tmp_path), "--json", "--window-chars", "5"]) == 0
    train = json.loads(capsys.readouterr().out)["splits"]["train"]
    assert (train["windows"]["windows"], train["windows"]["clipped_spans"]) == (2, 1)


def test_corrupted_copy_exits_2_with_file_and_line(
    ptc_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], copy_real_articles: Callable[..., Path]
) -> None:
    article_id = sorted((ptc_dir / "train-articles").iterdir())[0].stem.removeprefix("article")
    copy_real_articles(ptc_dir, tmp_path, [article_id])
    label_file = tmp_path / "train-labels-task-flc-tc" / f"article{article_id}.task-flc-tc.labels"
    rows = label_file.read_text().splitlines()
    rows[2] = rows[2].replace("\t", " ")
    label_file.write_text("\n".join(rows) + "\n")
    assert main(["data", "check", "--data-dir", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"bench data check: error: {label_file}:3: expected 4 TAB-separated columns")


def test_sample_corpus_notice_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not all(path.is_file() for path in sample_markup_files().values()):
        pytest.skip("the packaged sample corpus is not written yet")
    monkeypatch.delenv("PTC_DATA_DIR", raising=False)
    assert main(["data", "check", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "embedded sample corpus" in err
    report = json.loads(out)
    assert report["is_sample"] is True and report["splits"]["test"] is None
    assert report["splits"]["train"]["articles"] >= 1


def test_missing_data_dir_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check", "--data-dir", str(tmp_path / "nope")]) == 2
    assert "bench data check: error: data folder" in capsys.readouterr().err
