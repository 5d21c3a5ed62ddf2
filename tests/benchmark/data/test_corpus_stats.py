"""Corpus statistics: overlap pairs, multi-label spans, duplicates, SI cross-check, window clipping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ptc_bench.benchmark.data.stats import check_corpus, count_overlapping_pairs, gold_stats
from ptc_bench.core.labels import LabelRow
from ptc_bench.core.types import Span


def test_overlapping_pairs_by_hand() -> None:
    spans = [
        Span(0, 5, "Doubt"),
        Span(4, 8, "Slogans"),
        Span(5, 9, "Doubt"),
        Span(0, 5, "Slogans"),
        Span(9, 10),
    ]
    # (0,5)x(4,8), (0,5)x(0,5), (4,8)x(0,5), (4,8)x(5,9); touching (5,9)x(9,10) and (0,5)x(5,9) do not count
    assert count_overlapping_pairs(spans) == 4


def test_gold_stats_by_hand() -> None:
    spans = {
        "1": (Span(0, 5, "Doubt"), Span(0, 5, "Slogans"), Span(0, 5, "Doubt"), Span(7, 9, "Doubt")),
        "2": (),
    }
    si = [LabelRow("1", None, 0, 5, Path("x"), 1), LabelRow("1", None, 5, 8, Path("x"), 2)]
    stats = gold_stats(spans, si)
    assert stats.spans == 4
    assert stats.techniques["Doubt"] == 3 and stats.techniques["Slogans"] == 1
    assert stats.techniques["Repetition"] == 0 and len(stats.techniques) == 14
    assert stats.overlapping_pairs == 3
    assert stats.multi_label_spans == 1
    assert stats.duplicate_rows == 1
    assert stats.empty_label_articles == 1
    assert (stats.si_spans, stats.si_not_covered) == (2, 1)


def test_check_corpus_on_a_temp_release(tmp_path: Path, write_release: Callable[..., Path]) -> None:
    texts = {"1": "aaaa\nbbbb\ncccc\n", "2": "dd\n"}
    rows = [("1", "Doubt", 7, 12), ("1", "Slogans", 11, 14), ("2", "Doubt", 0, 2)]
    write_release(tmp_path, "train", texts, rows)
    write_release(tmp_path, "test", texts, None)
    stats = check_corpus(tmp_path, window_chars=10)
    assert stats.absent == ("dev",)
    train, test = stats.splits
    assert (train.name, train.articles, train.characters) == ("train", 2, 18)
    assert train.windows.windows == 3 and train.windows.longest == 10
    assert (train.windows.clipped_spans, train.windows.clipped_pieces) == (1, 2)
    assert test.gold is None and test.windows.clipped_spans == 0
    as_json = stats.to_json(is_sample=False)
    assert list(as_json["splits"]) == ["train", "dev", "test"]  # type: ignore[call-overload]
    assert as_json["splits"]["dev"] is None  # type: ignore[index]


def test_a_corrupted_concatenated_file_beside_the_folders_fails_the_check(
    tmp_path: Path, write_release: Callable[..., Path]
) -> None:
    """Issue 22, case 11: `data check` checks both layouts when both exist."""
    from ptc_bench.core.errors import DataError

    texts = {"1": "They are thugs and crooks.\n", "2": "Calm.\n"}
    rows = [("1", "Name_Calling,Labeling", 9, 14)]
    write_release(tmp_path, "train", texts, rows)
    (tmp_path / "train-task-flc-tc.labels").write_text("1\tName_Calling,Labeling\t9\t14\n", encoding="utf-8")
    check_corpus(tmp_path)  # the same rows: fine
    (tmp_path / "train-task-flc-tc.labels").write_text("1\tName_Calling,Labeling\t9\t15\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"train-task-flc-tc.labels:1: row not in train-labels-task-flc-tc/"):
        check_corpus(tmp_path)
    (tmp_path / "train-task-flc-tc.labels").write_text("1\tName_Calling,Labeling\tx\t15\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"train-task-flc-tc.labels:1: start offset must be an integer"):
        check_corpus(tmp_path)
