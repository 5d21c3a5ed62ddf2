"""Loading one split of an official PTC release folder into `Article`s and gold `Span`s.

Article text is decoded as strict UTF-8 with no newline translation and the BOM kept, so the
offsets in the label files index the text exactly. Gold comes from the per-article label folder
when present, else from the concatenated label file; the FLC/TC labels are the gold.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from ptc_bench.core.errors import DataError
from ptc_bench.core.labels import (
    TASK_NAMES,
    LabelKind,
    LabelRow,
    label_file_name,
    read_article_text,
    read_label_file,
    read_label_folder,
)
from ptc_bench.core.types import Article, Span, SplitData

SPLITS: tuple[str, ...] = ("train", "dev", "test")
GOLD_SPLITS: frozenset[str] = frozenset({"train", "dev"})
_ARTICLE_FILE = re.compile(r"article([0-9]+)\.txt")


def articles_dir(data_dir: Path, split: str) -> Path:
    """The folder holding a split's `article<ID>.txt` files."""
    return data_dir / f"{split}-articles"


def labels_folder(data_dir: Path, split: str, kind: LabelKind) -> Path:
    """The per-article label folder of a split, e.g. `train-labels-task-flc-tc/`."""
    return data_dir / f"{split}-labels-{TASK_NAMES[kind]}"


def labels_file(data_dir: Path, split: str, kind: LabelKind) -> Path:
    """The concatenated label file of a split, e.g. `train-task-flc-tc.labels`."""
    return data_dir / f"{split}-{TASK_NAMES[kind]}.labels"


def load_articles(data_dir: Path, split: str) -> dict[str, Article]:
    """Every `article<ID>.txt` of a split, by id in numeric order; other files are ignored."""
    folder = articles_dir(data_dir, split)
    if not folder.is_dir():
        raise DataError(folder, None, f"missing folder: split {split!r} has no articles here")
    found: list[tuple[int, str, Path]] = []
    for path in folder.iterdir():
        match = _ARTICLE_FILE.fullmatch(path.name)
        if match and path.is_file():
            found.append((int(match.group(1)), match.group(1), path))
    articles: dict[str, Article] = {}
    for _, article_id, path in sorted(found):
        articles[article_id] = Article(article_id, read_article_text(path))
    return articles


def read_gold_rows(
    data_dir: Path, split: str, kind: LabelKind, articles: dict[str, Article]
) -> list[LabelRow] | None:
    """Validated label rows of a split (None when it has no labels of this kind)."""
    folder = labels_folder(data_dir, split, kind)
    if folder.is_dir():
        rows = _read_label_folder(folder, kind, articles)
    elif labels_file(data_dir, split, kind).is_file():
        rows = read_label_file(labels_file(data_dir, split, kind), kind)
    else:
        return None
    for row in rows:
        _check_row_fits(row, articles, split)
    return rows


def check_concatenated_labels(
    data_dir: Path, split: str, kind: LabelKind, articles: dict[str, Article]
) -> None:
    """When a split has both label layouts, the concatenated file must be valid and hold the folder's rows.

    The loader reads the folder and ignores the file; `bench data check` checks both, so a corrupted
    concatenated file never passes (DataError naming its first row the folder does not have).
    """
    folder, file = labels_folder(data_dir, split, kind), labels_file(data_dir, split, kind)
    if not (folder.is_dir() and file.is_file()):
        return
    file_rows = read_label_file(file, kind)
    for row in file_rows:
        _check_row_fits(row, articles, split)
    remaining = Counter(
        (row.article_id, row.technique, row.start, row.end)
        for row in _read_label_folder(folder, kind, articles)
    )
    for row in file_rows:
        key = (row.article_id, row.technique, row.start, row.end)
        if remaining[key] <= 0:
            raise DataError(file, row.line, f"row not in {folder.name}/ (the two label layouts differ)")
        remaining[key] -= 1
    missing = sum(remaining.values())
    if missing:
        raise DataError(
            file, None, f"{missing} row(s) of {folder.name}/ are missing here (the layouts differ)"
        )


def load_split(data_dir: Path, split: str) -> SplitData:
    """Articles and FLC/TC gold spans of one split; test (no public gold) gets `spans=None`."""
    data_dir = Path(data_dir)
    articles = load_articles(data_dir, split)
    rows = read_gold_rows(data_dir, split, "flc", articles)
    if rows is None:
        if split in GOLD_SPLITS:
            folder = labels_folder(data_dir, split, "flc").name
            file = labels_file(data_dir, split, "flc").name
            raise DataError(data_dir, None, f"no gold labels for split {split!r}: need {folder}/ or {file}")
        return SplitData(split, articles, None)
    return SplitData(split, articles, spans_by_article(rows, articles))


def spans_by_article(rows: list[LabelRow], articles: dict[str, Article]) -> dict[str, tuple[Span, ...]]:
    """Rows grouped per article in file order (duplicates and overlaps kept); every article present."""
    grouped: dict[str, list[Span]] = defaultdict(list)
    for row in rows:
        grouped[row.article_id].append(Span(row.start, row.end, row.technique))
    return {article_id: tuple(grouped.get(article_id, ())) for article_id in articles}


def _read_label_folder(folder: Path, kind: LabelKind, articles: dict[str, Article]) -> list[LabelRow]:
    """Rows of every `article<ID>.<task>.labels` file in a folder (the strict reader of `core.labels`)."""
    rows: list[LabelRow] = []
    for file_id, file_rows in read_label_folder(folder, kind).items():
        if file_id not in articles:
            path = folder / label_file_name(file_id, kind)
            raise DataError(path, None, f"labels for article {file_id}, which has no article<ID>.txt")
        rows.extend(file_rows)
    return rows


def _check_row_fits(row: LabelRow, articles: dict[str, Article], split: str) -> None:
    """The row names an existing article and its span lies within that article's text."""
    article = articles.get(row.article_id)
    if article is None:
        raise DataError(
            row.path, row.line, f"label row for article {row.article_id}, which is not in {split}-articles/"
        )
    if row.end > len(article.text):
        raise DataError(
            row.path,
            row.line,
            f"span [{row.start}, {row.end}) ends beyond article {row.article_id} "
            f"({len(article.text)} characters)",
        )
