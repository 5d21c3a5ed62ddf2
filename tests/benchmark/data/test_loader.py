"""load_split on small temp releases (both label layouts) and the validation errors it raises."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ptc_bench.benchmark.data import load_split
from ptc_bench.benchmark.data.loader import read_gold_rows
from ptc_bench.core.errors import DataError
from ptc_bench.core.types import Span

TEXTS = {"11": "\ufeffTitle here\n\nThey are thugs.\r\nGo!\n", "12": "Calm text.\n", "13": "Nothing.\n"}
ROWS = [
    ("11", "Name_Calling,Labeling", 22, 27),
    ("11", "Loaded_Language", 22, 27),
    ("11", "Loaded_Language", 22, 27),
    ("11", "Slogans", 30, 33),
    ("12", "Doubt", 0, 4),
]


@pytest.mark.parametrize("layout", ["folders", "concatenated"])
def test_loads_articles_and_gold_in_file_order(
    tmp_path: Path, layout: str, write_release: Callable[..., Path]
) -> None:
    write_release(tmp_path, "train", TEXTS, ROWS, layout=layout)
    split = load_split(tmp_path, "train")
    assert split.name == "train"
    assert list(split.articles) == ["11", "12", "13"]
    assert split.articles["11"].text == TEXTS["11"]
    assert split.gold("11") == (
        Span(22, 27, "Name_Calling,Labeling"),
        Span(22, 27, "Loaded_Language"),
        Span(22, 27, "Loaded_Language"),
        Span(30, 33, "Slogans"),
    )
    assert split.gold("13") == ()
    assert split.spans is not None and set(split.spans) == {"11", "12", "13"}


def test_offsets_count_the_bom_and_carriage_returns(
    tmp_path: Path, write_release: Callable[..., Path]
) -> None:
    write_release(tmp_path, "train", TEXTS, ROWS)
    split = load_split(tmp_path, "train")
    article = split.articles["11"]
    assert [span.covered_text(article.text) for span in split.gold("11")[::3]] == ["thugs", "Go!"]


def test_per_article_folder_wins_over_the_concatenated_file(
    tmp_path: Path, write_release: Callable[..., Path]
) -> None:
    write_release(tmp_path, "dev", TEXTS, ROWS, layout="folders")
    (tmp_path / "dev-task-flc-tc.labels").write_text("99\tDoubt\t0\t1\n")
    assert load_split(tmp_path, "dev").gold("12") == (Span(0, 4, "Doubt"),)


def test_test_split_has_no_gold(tmp_path: Path, write_release: Callable[..., Path]) -> None:
    write_release(tmp_path, "test", TEXTS, None)
    split = load_split(tmp_path, "test")
    assert split.spans is None
    assert not split.has_gold
    assert len(split.articles) == 3


def test_train_without_labels_is_an_error(tmp_path: Path, write_release: Callable[..., Path]) -> None:
    write_release(tmp_path, "train", TEXTS, None)
    with pytest.raises(DataError, match="no gold labels for split 'train'"):
        load_split(tmp_path, "train")


def test_missing_split_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="dev-articles: missing folder"):
        load_split(tmp_path, "dev")


def test_span_past_the_article_end_names_file_and_line(
    tmp_path: Path, write_release: Callable[..., Path]
) -> None:
    write_release(tmp_path, "train", TEXTS, [*ROWS, ("12", "Doubt", 5, 12)], layout="concatenated")
    with pytest.raises(
        DataError, match=r"train-task-flc-tc\.labels:6: span \[5, 12\) ends beyond article 12"
    ):
        load_split(tmp_path, "train")


def test_row_for_a_missing_article_names_file_and_line(
    tmp_path: Path, write_release: Callable[..., Path]
) -> None:
    write_release(tmp_path, "train", TEXTS, [*ROWS, ("77", "Doubt", 0, 2)], layout="concatenated")
    with pytest.raises(
        DataError, match=r"labels:6: label row for article 77, which is not in train-articles/"
    ):
        load_split(tmp_path, "train")


def test_label_file_for_a_missing_article_is_an_error(
    tmp_path: Path, write_release: Callable[..., Path]
) -> None:
    write_release(tmp_path, "train", TEXTS, ROWS)
    (tmp_path / "train-labels-task-flc-tc" / "article77.task-flc-tc.labels").write_text("")
    with pytest.raises(DataError, match=r"article77\.task-flc-tc\.labels: labels for article 77"):
        load_split(tmp_path, "train")


def test_row_for_another_article_in_a_per_article_file(
    tmp_path: Path, write_release: Callable[..., Path]
) -> None:
    write_release(tmp_path, "train", TEXTS, ROWS)
    (tmp_path / "train-labels-task-flc-tc" / "article13.task-flc-tc.labels").write_text("12\tDoubt\t0\t2\n")
    with pytest.raises(DataError, match=r"article13\.task-flc-tc\.labels:1: row is for article 12"):
        load_split(tmp_path, "train")


def test_undecodable_article_names_line_and_byte(tmp_path: Path, write_release: Callable[..., Path]) -> None:
    write_release(tmp_path, "train", TEXTS, ROWS)
    (tmp_path / "train-articles" / "article12.txt").write_bytes(b"ok\nbad \xc3\x28 byte\n")
    with pytest.raises(DataError, match=r"article12\.txt:2: not valid UTF-8 at byte 7"):
        load_split(tmp_path, "train")


def test_si_rows_are_read_and_checked_too(tmp_path: Path, write_release: Callable[..., Path]) -> None:
    write_release(tmp_path, "train", TEXTS, ROWS)
    split = load_split(tmp_path, "train")
    si_rows = read_gold_rows(tmp_path, "train", "si", split.articles)
    assert si_rows is not None
    assert [(row.article_id, row.start, row.end, row.technique) for row in si_rows][-1] == ("12", 0, 4, None)
    (tmp_path / "train-labels-task-si" / "article13.task-si.labels").write_text("13\t0\t99\n")
    with pytest.raises(DataError, match=r"article13\.task-si\.labels:1: span \[0, 99\) ends beyond"):
        read_gold_rows(tmp_path, "train", "si", split.articles)


def test_an_article_that_is_a_symlink_is_refused(tmp_path: Path, write_release: Callable[..., Path]) -> None:
    write_release(tmp_path, "train", TEXTS, ROWS)
    article = tmp_path / "train-articles" / "article13.txt"
    outside = tmp_path / "outside.txt"
    article.rename(outside)
    article.symlink_to(outside)
    with pytest.raises(DataError, match=r"article13.txt: is a symbolic link"):
        load_split(tmp_path, "train")
