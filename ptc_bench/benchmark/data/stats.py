"""Corpus statistics for `bench data check`: counts, overlaps, multi-labels and window clipping."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ptc_bench.benchmark.data.loader import (
    SPLITS,
    articles_dir,
    check_concatenated_labels,
    load_split,
    read_gold_rows,
)
from ptc_bench.benchmark.data.windows import make_windows, spans_in_window
from ptc_bench.core.labels import LabelRow
from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span, SplitData

DEFAULT_WINDOW_CHARS = 2000


@dataclass(frozen=True)
class WindowStats:
    """How a split cuts into windows of at most `max_chars` characters and what that clips."""

    max_chars: int
    windows: int
    longest: int
    over_budget: int
    clipped_spans: int
    clipped_pieces: int


@dataclass(frozen=True)
class GoldStats:
    """Counts over a split's gold FLC/TC rows (and the SI rows cross-checked against them)."""

    spans: int
    techniques: dict[str, int]
    overlapping_pairs: int
    multi_label_spans: int
    duplicate_rows: int
    empty_label_articles: int
    si_spans: int | None
    si_not_covered: int | None


@dataclass(frozen=True)
class SplitStats:
    """Everything `bench data check` reports for one split (`gold` is None without gold)."""

    name: str
    articles: int
    characters: int
    gold: GoldStats | None
    windows: WindowStats


@dataclass(frozen=True)
class CorpusStats:
    """The checked splits of a release folder and the standard splits it does not have."""

    data_dir: Path
    splits: tuple[SplitStats, ...]
    absent: tuple[str, ...]

    def to_json(self, *, is_sample: bool) -> dict[str, object]:
        """A JSON-ready dict with every number, splits in the standard order (absent ones as null)."""
        checked = {stats.name: asdict(stats) for stats in self.splits}
        window_chars = self.splits[0].windows.max_chars if self.splits else None
        return {
            "data_dir": str(self.data_dir),
            "is_sample": is_sample,
            "valid": True,
            "window_chars": window_chars,
            "splits": {name: checked.get(name) for name in SPLITS},
        }


def check_corpus(data_dir: Path, window_chars: int = DEFAULT_WINDOW_CHARS) -> CorpusStats:
    """Load and validate every standard split present (DataError on the first problem) and count."""
    present = [split for split in SPLITS if articles_dir(data_dir, split).is_dir()]
    results = []
    for split in present:
        data = load_split(data_dir, split)
        si_rows = read_gold_rows(data_dir, split, "si", data.articles) if data.has_gold else None
        for kind in ("flc", "si"):
            check_concatenated_labels(data_dir, split, kind, data.articles)
        results.append(split_stats(data, si_rows, window_chars))
    absent = tuple(split for split in SPLITS if split not in present)
    return CorpusStats(data_dir, tuple(results), absent)


def split_stats(data: SplitData, si_rows: Sequence[LabelRow] | None, window_chars: int) -> SplitStats:
    """The statistics of one loaded split."""
    gold = None if data.spans is None else gold_stats(data.spans, si_rows)
    return SplitStats(
        name=data.name,
        articles=len(data.articles),
        characters=sum(len(article.text) for article in data.articles.values()),
        gold=gold,
        windows=window_stats(data, window_chars),
    )


def gold_stats(spans: dict[str, tuple[Span, ...]], si_rows: Sequence[LabelRow] | None) -> GoldStats:
    """Span, technique, overlap, multi-label and duplicate counts over all articles."""
    techniques = dict.fromkeys(LABELS, 0)
    overlapping = multi_label = duplicates = 0
    for article_spans in spans.values():
        for span in article_spans:
            techniques[str(span.technique)] = techniques.get(str(span.technique), 0) + 1
        overlapping += count_overlapping_pairs(article_spans)
        by_range: dict[tuple[int, int], set[str | None]] = defaultdict(set)
        for span in article_spans:
            by_range[(span.start, span.end)].add(span.technique)
        multi_label += sum(1 for labels in by_range.values() if len(labels) >= 2)
        duplicates += sum(count - 1 for count in Counter(article_spans).values())
    si_not_covered = None
    if si_rows is not None:
        si_not_covered = sum(1 for row in si_rows if not _covered(row, spans.get(row.article_id, ())))
    return GoldStats(
        spans=sum(len(article_spans) for article_spans in spans.values()),
        techniques=techniques,
        overlapping_pairs=overlapping,
        multi_label_spans=multi_label,
        duplicate_rows=duplicates,
        empty_label_articles=sum(1 for article_spans in spans.values() if not article_spans),
        si_spans=None if si_rows is None else len(si_rows),
        si_not_covered=si_not_covered,
    )


def count_overlapping_pairs(spans: Sequence[Span]) -> int:
    """Pairs of spans (any techniques, identical ranges included) sharing at least one character."""
    ordered = sorted(spans, key=lambda span: span.start)
    pairs = 0
    for index, span in enumerate(ordered):
        for later in ordered[index + 1 :]:
            if later.start >= span.end:
                break
            pairs += 1
    return pairs


def window_stats(data: SplitData, max_chars: int) -> WindowStats:
    """Window count at a character budget and the gold spans (and pieces) clipped by boundaries."""
    windows = longest = over_budget = clipped_spans = clipped_pieces = 0
    for article_id, article in data.articles.items():
        article_windows = make_windows(article, max_chars)
        windows += len(article_windows)
        for window in article_windows:
            longest = max(longest, len(window.text))
            over_budget += len(window.text) > max_chars
        if data.spans is None:
            continue
        for window in article_windows:
            clipped_pieces += spans_in_window(window, data.spans[article_id])[1]
        clipped_spans += sum(
            1
            for span in data.spans[article_id]
            if not any(w.offset <= span.start and span.end <= w.end for w in article_windows)
        )
    return WindowStats(max_chars, windows, longest, over_budget, clipped_spans, clipped_pieces)


def _covered(row: LabelRow, spans: Sequence[Span]) -> bool:
    """True when every character of the SI row lies inside some gold FLC span of its article."""
    position = row.start
    for span in sorted(spans):
        if span.start <= position < span.end:
            position = span.end
            if position >= row.end:
                return True
    return False
