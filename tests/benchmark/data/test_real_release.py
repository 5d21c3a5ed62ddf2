"""The official PTC release through the `ptc_dir` fixture, and corrupted temp copies of a few files."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from ptc_bench.benchmark.data import load_split
from ptc_bench.core.errors import DataError
from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import SplitData


@pytest.fixture(scope="module")
def real_splits(ptc_dir: Path) -> dict[str, SplitData]:
    return {split: load_split(ptc_dir, split) for split in ("train", "dev", "test")}


def test_real_release_counts(real_splits: dict[str, SplitData]) -> None:
    train, dev, test = real_splits["train"], real_splits["dev"], real_splits["test"]
    assert len(train.articles) == 371
    assert sum(len(spans) for spans in train.spans.values()) == 6128
    assert len(dev.articles) == 75
    assert sum(len(spans) for spans in dev.spans.values()) == 1063
    assert len(test.articles) == 90
    assert test.spans is None


def test_real_train_technique_frequencies(real_splits: dict[str, SplitData]) -> None:
    counts = Counter(span.technique for spans in real_splits["train"].spans.values() for span in spans)
    assert set(counts) == set(LABELS)
    assert counts["Loaded_Language"] == 2123
    assert min(counts.values()) == 72 == counts["Bandwagon,Reductio_ad_hitlerum"]


def test_real_offsets_match_the_trimmed_v2_boundaries(real_splits: dict[str, SplitData]) -> None:
    """PTC v2 trimmed every span so it neither starts nor ends with a space, newline or . , : ;"""
    checked = 0
    for split in (real_splits["train"], real_splits["dev"]):
        for article_id, spans in split.spans.items():
            text = split.articles[article_id].text
            for span in spans:
                assert text[span.start] not in " \n.,:;" and text[span.end - 1] not in " \n.,:;", (
                    article_id,
                    span,
                )
                checked += 1
    assert checked == 6128 + 1063


def test_real_bom_is_kept(real_splits: dict[str, SplitData]) -> None:
    with_bom = [a for a in real_splits["train"].articles.values() if a.text.startswith("\ufeff")]
    assert len(with_bom) == 2
    assert all(real_splits["train"].gold(article.id) for article in with_bom)


# --- corrupted copies of three real train articles -------------------------------------------------


@pytest.fixture
def real_copy(
    ptc_dir: Path, tmp_path: Path, copy_real_articles: Callable[..., Path]
) -> tuple[Path, list[str]]:
    names = sorted((ptc_dir / "train-articles").iterdir())[:3]
    ids = [name.stem.removeprefix("article") for name in names]
    copy_real_articles(ptc_dir, tmp_path, ids)
    assert len(load_split(tmp_path, "train").articles) == 3
    return tmp_path, ids


def _edit_row(path: Path, line: int, edit: Callable[[list[str]], list[str]]) -> None:
    rows = path.read_text().split("\n")
    rows[line - 1] = "\t".join(edit(rows[line - 1].split("\t")))
    path.write_text("\n".join(rows))


_CORRUPTIONS: dict[str, tuple[Callable[[list[str]], list[str]], str]] = {
    "column count": (lambda f: [f[0], f[2], f[3]], "expected 4 TAB-separated columns"),
    "non-integer": (lambda f: [f[0], f[1], f[2] + "x", f[3]], "start offset must be an integer"),
    "negative": (lambda f: [f[0], f[1], "-4", f[3]], "start offset must not be negative"),
    "start >= end": (lambda f: [f[0], f[1], f[3], f[2]], "is not before end offset"),
    "end beyond": (lambda f: [f[0], f[1], f[2], "999999"], "ends beyond article"),
    "unknown technique": (lambda f: [f[0], "Propaganda", f[2], f[3]], "unknown technique 'Propaganda'"),
    "other article": (lambda f: ["999", f[1], f[2], f[3]], "row is for article 999"),
}


@pytest.mark.parametrize("corruption", sorted(_CORRUPTIONS))
def test_corrupted_label_row_names_file_and_line(real_copy: tuple[Path, list[str]], corruption: str) -> None:
    root, ids = real_copy
    label_file = root / "train-labels-task-flc-tc" / f"article{ids[0]}.task-flc-tc.labels"
    edit, message = _CORRUPTIONS[corruption]
    _edit_row(label_file, 2, edit)
    with pytest.raises(DataError, match=message) as caught:
        load_split(root, "train")
    assert str(caught.value).startswith(f"{label_file}:2: ")


def test_concatenated_row_for_missing_article(real_copy: tuple[Path, list[str]]) -> None:
    root, ids = real_copy
    folder = root / "train-labels-task-flc-tc"
    combined = "".join((folder / f"article{i}.task-flc-tc.labels").read_text() for i in ids)
    shutil.rmtree(folder)
    (root / "train-task-flc-tc.labels").write_text(combined + "123\tDoubt\t0\t5\n")
    assert combined.endswith("\n")
    line = combined.count("\n") + 1
    with pytest.raises(
        DataError, match=rf"train-task-flc-tc\.labels:{line}: label row for article 123, which"
    ):
        load_split(root, "train")


def test_corrupted_article_encoding_names_line_and_byte(real_copy: tuple[Path, list[str]]) -> None:
    root, ids = real_copy
    article = root / "train-articles" / f"article{ids[1]}.txt"
    data = article.read_bytes()
    third_line = data.index(b"\n", data.index(b"\n") + 1) + 1
    article.write_bytes(data[:third_line] + b"\xff" + data[third_line:])
    with pytest.raises(DataError, match=rf"article{ids[1]}\.txt:3: not valid UTF-8 at byte {third_line}"):
        load_split(root, "train")
