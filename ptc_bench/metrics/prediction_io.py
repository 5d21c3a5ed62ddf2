"""Official-format prediction and gold files: reading, checking against the gold, writing.

Prediction and gold rows are TAB-separated: SI `id start end`, FLC/TC `id technique start end`.
Gold is a folder of per-article `.labels` files (an empty file = an article with no spans) or one
concatenated file; article texts, when known, let predictions be checked against article lengths.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ptc_bench.core.errors import DataError
from ptc_bench.core.labels import (
    LabelKind,
    LabelRow,
    label_folder_kind,
    read_label_file,
    read_label_folder,
    read_utf8,
)
from ptc_bench.core.labels import read_article_text as read_article_file
from ptc_bench.core.types import Span

ScoreTask = Literal["si", "flc", "tc"]


@dataclass(frozen=True)
class GoldSet:
    """Gold spans of every gold article (articles without spans included) and their texts if known.

    `kind` is the gold files' format ("si" rows carry no technique); None when every file is empty.
    """

    path: Path
    spans: dict[str, list[Span]]
    texts: dict[str, str] | None
    kind: LabelKind | None


def label_kind(task: ScoreTask) -> LabelKind:
    """The label-file format of a task's prediction file (TC files have the FLC columns)."""
    return "si" if task == "si" else "flc"


def read_predictions(path: Path, task: ScoreTask) -> list[LabelRow]:
    """Validated rows of a prediction file (DataError with file:line for a malformed row)."""
    if path.is_dir():
        raise DataError(path, None, "is a directory, not a prediction file")
    if not path.is_file():
        raise DataError(path, None, "prediction file not found")
    return read_label_file(path, label_kind(task))


def rows_to_spans(rows: Iterable[LabelRow]) -> dict[str, list[Span]]:
    """Rows grouped into spans by article id, in file order."""
    spans: dict[str, list[Span]] = {}
    for row in rows:
        spans.setdefault(row.article_id, []).append(Span(row.start, row.end, row.technique))
    return spans


def default_articles_dir(gold_path: Path) -> Path | None:
    """The `<split>-articles` folder beside a gold path named `<split>-...`, if it exists."""
    split = gold_path.name.split("-", 1)[0]
    candidate = gold_path.parent / f"{split}-articles"
    return candidate if split and candidate.is_dir() else None


def load_gold(path: Path, articles_dir: Path | None = None) -> GoldSet:
    """Gold spans from a label folder or file (SI or FLC columns, detected) and, if given, texts.

    A folder's article set is its per-article files; a concatenated file's is the articles folder
    when one is known (so articles without spans count), else the ids in the file.
    """
    if path.is_dir():
        rows_by_article = _read_gold_folder(path)
    elif path.is_file():
        rows_by_article = {}
        for row in _read_gold_file(path):
            rows_by_article.setdefault(row.article_id, []).append(row)
    else:
        raise DataError(path, None, "gold labels not found (need a .labels file or a folder of them)")
    rows = [row for article_rows in rows_by_article.values() for row in article_rows]
    texts = None
    if articles_dir is not None:
        if path.is_file():
            ids = _article_ids(articles_dir)
            for row in rows:
                if row.article_id not in ids:
                    raise DataError(
                        path, row.line, f"gold article {row.article_id} has no text in {articles_dir}"
                    )
            rows_by_article = {article_id: rows_by_article.get(article_id, []) for article_id in sorted(ids)}
        texts = {article_id: read_article_text(articles_dir, article_id) for article_id in rows_by_article}
        for row in rows:
            _check_fits(row, texts)
    spans = {
        article_id: [Span(row.start, row.end, row.technique) for row in article_rows]
        for article_id, article_rows in rows_by_article.items()
    }
    kind: LabelKind | None = None
    if rows:
        kind = "si" if rows[0].technique is None else "flc"
    return GoldSet(path, spans, texts, kind)


def read_article_text(articles_dir: Path, article_id: str) -> str:
    """The exact text of `article<ID>.txt` (strict UTF-8, BOM and line ends kept)."""
    article_path = articles_dir / f"article{article_id}.txt"
    if not article_path.is_file():
        raise DataError(article_path, None, f"no text for gold article {article_id} in {articles_dir}")
    return read_article_file(article_path)


def check_predictions(rows: Sequence[LabelRow], gold: GoldSet) -> None:
    """DataError (file:line) for the first row naming a non-gold article or ending past its text."""
    for row in rows:
        if row.article_id not in gold.spans:
            raise DataError(
                row.path, row.line, f"article {row.article_id} is not in the gold set ({gold.path})"
            )
        if gold.texts is not None:
            _check_fits(row, gold.texts)


def check_tc_predictions(rows: Sequence[LabelRow], gold: GoldSet, pred_path: Path) -> None:
    """DataError unless the rows label exactly the gold span instances, one label each."""
    remaining = Counter((a, s.start, s.end) for a, spans in gold.spans.items() for s in spans)
    for row in rows:
        key = (row.article_id, row.start, row.end)
        if remaining[key] <= 0:
            raise DataError(
                row.path,
                row.line,
                f"no gold span [{row.start}, {row.end}) of article {row.article_id} left to label "
                "(TC predictions give one label per gold span)",
            )
        remaining[key] -= 1
    missing = sorted(key for key, count in remaining.items() if count > 0)
    if missing:
        article_id, start, end = missing[0]
        raise DataError(
            pred_path,
            None,
            f"{sum(remaining[k] for k in missing)} gold span(s) have no predicted label, "
            f"e.g. article {article_id} [{start}, {end})",
        )


def format_predictions(spans: Mapping[str, Sequence[Span]], task: ScoreTask) -> str:
    """Official-format rows for these spans, sorted by article id, start, end and technique."""
    lines = []
    for article_id in sorted(spans):
        for span in sorted(spans[article_id], key=lambda s: (s.start, s.end, s.technique or "")):
            if label_kind(task) == "si":
                lines.append(f"{article_id}\t{span.start}\t{span.end}")
            elif span.technique is None:
                raise ValueError(f"article {article_id}: span [{span.start}, {span.end}) has no technique")
            else:
                lines.append(f"{article_id}\t{span.technique}\t{span.start}\t{span.end}")
    return "".join(line + "\n" for line in lines)


def write_predictions(path: Path, spans: Mapping[str, Sequence[Span]], task: ScoreTask) -> None:
    """Write an official-format prediction file (UTF-8, `\\n` line ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_predictions(spans, task), encoding="utf-8", newline="\n")


def _read_gold_folder(folder: Path) -> dict[str, list[LabelRow]]:
    """Rows of every `article<ID>.task-flc-tc.labels` (else `.task-si.labels`) file of a folder.

    The same strict reader as the corpus loader: only the official file names are gold, so a stray
    `*.orig.labels` or the other task's files never replace or drop an article's rows.
    """
    kind = label_folder_kind(folder)
    if kind is None:
        raise DataError(
            folder,
            None,
            "no article<ID>.task-flc-tc.labels or article<ID>.task-si.labels files in the gold folder",
        )
    return read_label_folder(folder, kind)


def _read_gold_file(path: Path) -> list[LabelRow]:
    """Rows of one gold file, SI or FLC columns detected from its first row."""
    text = read_utf8(path)
    first = next((line for line in text.split("\n") if line.strip()), "")
    return read_label_file(path, "si" if first.count("\t") == 2 else "flc")


def _article_ids(articles_dir: Path) -> set[str]:
    """Ids of the `article<ID>.txt` files of a folder."""
    ids = {m.group(1) for p in articles_dir.iterdir() if (m := re.fullmatch(r"article([0-9]+)\.txt", p.name))}
    if not ids:
        raise DataError(articles_dir, None, "no article<ID>.txt files in the articles folder")
    return ids


def _check_fits(row: LabelRow, texts: Mapping[str, str]) -> None:
    """DataError when a row's span ends past its article's text."""
    text = texts.get(row.article_id)
    if text is not None and row.end > len(text):
        raise DataError(
            row.path,
            row.line,
            f"span [{row.start}, {row.end}) ends beyond article {row.article_id} ({len(text)} characters)",
        )
