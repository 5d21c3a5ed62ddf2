"""Interval arithmetic for the SemEval span metrics: merging overlaps and summing overlap ratios.

Intervals are half-open `(start, end)` pairs. Two intervals overlap when they share a character;
intervals that only touch (`[0, 5)` and `[5, 9)`) share none and stay apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ptc_bench.core.types import Span

Interval = tuple[int, int]


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint intervals: every group of overlapping intervals replaced by its union."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def overlap_sums(pred: Sequence[Interval], gold: Sequence[Interval]) -> tuple[float, float]:
    """(sum of |s∩t|/|s|, sum of |s∩t|/|t|) over all pairs of two sorted, disjoint interval lists."""
    precision_sum = 0.0
    recall_sum = 0.0
    i = j = 0
    while i < len(pred) and j < len(gold):
        p_start, p_end = pred[i]
        g_start, g_end = gold[j]
        overlap = min(p_end, g_end) - max(p_start, g_start)
        if overlap > 0:
            precision_sum += overlap / (p_end - p_start)
            recall_sum += overlap / (g_end - g_start)
        if p_end <= g_end:
            i += 1
        else:
            j += 1
    return precision_sum, recall_sum


def check_pred_articles(pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]) -> None:
    """ValueError naming the first predicted article that is not a gold article (as the official scorer)."""
    for article_id, spans in pred.items():
        if spans and article_id not in gold:
            raise ValueError(f"predictions for article {article_id!r}, which is not in the gold set")
