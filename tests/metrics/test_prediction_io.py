"""Official-format prediction and gold files: reading, checks with file:line, writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptc_bench.core.errors import DataError
from ptc_bench.core.types import Span
from ptc_bench.metrics.prediction_io import (
    check_predictions,
    check_tc_predictions,
    default_articles_dir,
    format_predictions,
    load_gold,
    read_predictions,
    rows_to_spans,
    write_predictions,
)

LOADED = "Loaded_Language"
NAME = "Name_Calling,Labeling"


def write_corpus(root: Path) -> Path:
    """dev-articles/ (3 articles, one without spans), a label folder and a concatenated file."""
    (root / "dev-articles").mkdir(parents=True)
    (root / "dev-labels-task-flc-tc").mkdir()
    texts = {
        "11": "\ufeffHeadline\n\nThe evil enemy lies.\n",
        "12": "Nothing to see here.\n",
        "13": "Short.\n",
    }
    rows = {"11": [(LOADED, 14, 18), (NAME, 14, 24)], "12": [], "13": [(LOADED, 0, 5)]}
    lines = []
    for article_id, text in texts.items():
        (root / "dev-articles" / f"article{article_id}.txt").write_bytes(text.encode("utf-8"))
        article_lines = [f"{article_id}\t{t}\t{s}\t{e}\n" for t, s, e in rows[article_id]]
        (root / "dev-labels-task-flc-tc" / f"article{article_id}.task-flc-tc.labels").write_text(
            "".join(article_lines), encoding="utf-8"
        )
        lines += article_lines
    (root / "dev-task-flc-tc.labels").write_text("".join(lines), encoding="utf-8")
    return root


def test_gold_folder_and_file_give_the_same_articles_with_texts(tmp_path: Path) -> None:
    root = write_corpus(tmp_path)
    folder = load_gold(root / "dev-labels-task-flc-tc", root / "dev-articles")
    file = load_gold(root / "dev-task-flc-tc.labels", root / "dev-articles")
    assert folder.spans == file.spans
    assert sorted(folder.spans) == ["11", "12", "13"]
    assert folder.spans["11"] == [Span(14, 18, LOADED), Span(14, 24, NAME)]
    assert folder.texts is not None and folder.texts["11"].startswith("\ufeff")  # BOM kept
    assert folder.kind == "flc"
    # without texts, a concatenated file only knows the articles that have spans
    assert sorted(load_gold(root / "dev-task-flc-tc.labels").spans) == ["11", "13"]


def test_default_articles_dir_is_the_split_sibling(tmp_path: Path) -> None:
    root = write_corpus(tmp_path)
    assert default_articles_dir(root / "dev-labels-task-flc-tc") == root / "dev-articles"
    assert default_articles_dir(root / "dev-task-flc-tc.labels") == root / "dev-articles"
    assert default_articles_dir(root / "train-task-si.labels") is None


def test_si_gold_kind_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "gold.labels"
    path.write_text("5\t0\t4\n5\t2\t9\n", encoding="utf-8")
    gold = load_gold(path)
    assert gold.kind == "si"
    assert gold.spans == {"5": [Span(0, 4), Span(2, 9)]}


def test_gold_span_beyond_its_article_is_reported(tmp_path: Path) -> None:
    root = write_corpus(tmp_path)
    (root / "dev-task-flc-tc.labels").write_text(f"13\t{LOADED}\t0\t99\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"dev-task-flc-tc.labels:1: span \[0, 99\) ends beyond article 13"):
        load_gold(root / "dev-task-flc-tc.labels", root / "dev-articles")


def test_prediction_rows_are_checked_against_the_gold(tmp_path: Path) -> None:
    root = write_corpus(tmp_path)
    gold = load_gold(root / "dev-labels-task-flc-tc", root / "dev-articles")
    pred = tmp_path / "pred.txt"
    pred.write_text(f"11\t{LOADED}\t0\t5\n\n12\t{NAME}\t0\t30\n", encoding="utf-8")
    rows = read_predictions(pred, "flc")
    with pytest.raises(DataError, match=r"pred.txt:3: span \[0, 30\) ends beyond article 12"):
        check_predictions(rows, gold)
    pred.write_text(f"11\t{LOADED}\t0\t5\n99\t{LOADED}\t0\t5\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"pred.txt:2: article 99 is not in the gold set"):
        check_predictions(read_predictions(pred, "flc"), gold)
    pred.write_text("11\tPropaganda\t0\t5\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"pred.txt:1: unknown technique 'Propaganda'"):
        read_predictions(pred, "tc")
    pred.write_text("11\t5\t5\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"pred.txt:1: start offset 5 is not before end offset 5"):
        read_predictions(pred, "si")
    with pytest.raises(DataError, match="not found"):
        read_predictions(tmp_path / "missing.txt", "si")


def test_tc_predictions_must_label_exactly_the_gold_spans(tmp_path: Path) -> None:
    root = write_corpus(tmp_path)
    gold = load_gold(root / "dev-labels-task-flc-tc", root / "dev-articles")
    pred = tmp_path / "tc.txt"
    pred.write_text(f"11\t{NAME}\t14\t18\n11\t{LOADED}\t14\t24\n13\t{LOADED}\t0\t5\n", encoding="utf-8")
    check_tc_predictions(read_predictions(pred, "tc"), gold, pred)  # labels may be wrong, spans exact
    pred.write_text(f"11\t{NAME}\t14\t18\n11\t{LOADED}\t14\t18\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"tc.txt:2: no gold span \[14, 18\) of article 11 left"):
        check_tc_predictions(read_predictions(pred, "tc"), gold, pred)
    pred.write_text(f"11\t{NAME}\t14\t18\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"tc.txt: 2 gold span\(s\) have no predicted label"):
        check_tc_predictions(read_predictions(pred, "tc"), gold, pred)


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    spans = {"7": [Span(9, 12, NAME), Span(0, 4, LOADED)], "3": [Span(1, 2, LOADED)]}
    assert format_predictions(spans, "flc") == f"3\t{LOADED}\t1\t2\n7\t{LOADED}\t0\t4\n7\t{NAME}\t9\t12\n"
    assert format_predictions(spans, "si") == "3\t1\t2\n7\t0\t4\n7\t9\t12\n"
    path = tmp_path / "out" / "system-flc.txt"
    write_predictions(path, spans, "flc")
    assert rows_to_spans(read_predictions(path, "flc")) == {
        "3": [Span(1, 2, LOADED)],
        "7": [Span(0, 4, LOADED), Span(9, 12, NAME)],
    }
    with pytest.raises(ValueError, match="no technique"):
        format_predictions({"1": [Span(0, 1)]}, "flc")


def test_gold_folder_reads_only_the_official_file_names(tmp_path: Path) -> None:
    """A stray `*.orig.labels` or an SI file in an FLC folder is not gold (issue 22, case 2)."""
    root = write_corpus(tmp_path)
    folder = root / "dev-labels-task-flc-tc"
    (folder / "article11.task-flc-tc.orig.labels").write_text(f"11\t{LOADED}\t0\t3\n", encoding="utf-8")
    (folder / "article13.task-si.labels").write_text("", encoding="utf-8")
    gold = load_gold(folder, root / "dev-articles")
    assert gold.spans["11"] == [Span(14, 18, LOADED), Span(14, 24, NAME)]
    assert gold.spans["13"] == [Span(0, 5, LOADED)]
    assert gold.kind == "flc"


def test_si_gold_folder_is_read_by_its_official_names(tmp_path: Path) -> None:
    folder = tmp_path / "dev-labels-task-si"
    folder.mkdir()
    (folder / "article5.task-si.labels").write_text("5\t0\t4\n", encoding="utf-8")
    (folder / "article5.labels").write_text("5\t0\t9\n", encoding="utf-8")
    gold = load_gold(folder)
    assert (gold.kind, gold.spans) == ("si", {"5": [Span(0, 4)]})


def test_article_text_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    root = write_corpus(tmp_path)
    article = root / "dev-articles" / "article13.txt"
    target = tmp_path / "elsewhere.txt"
    article.rename(target)
    article.symlink_to(target)
    with pytest.raises(DataError, match=r"article13.txt: is a symbolic link"):
        load_gold(root / "dev-labels-task-flc-tc", root / "dev-articles")
