"""Deterministic choice of k-shot worked examples from training windows."""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ptc_bench.tasks.task import Shot, Task


def select_shots(
    task: Task,
    candidates: Sequence[Shot],
    k: int,
    seed: int = 0,
    *,
    exclude_articles: Collection[str] = (),
    max_chars: int | None = None,
) -> list[Shot]:
    """Pick k (window, spans) examples: windows holding the task's gold first, one per article first.

    The choice depends only on the candidates' content, `k` and `seed`, not on their order. Windows
    of `exclude_articles` (e.g. the article being asked about) and windows longer than `max_chars`
    are skipped; fewer than k come back when too few candidates remain.
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    usable = [
        (window, spans)
        for window, spans in candidates
        if window.text.strip()
        and window.article_id not in exclude_articles
        and (max_chars is None or len(window.text) <= max_chars)
    ]
    usable.sort(key=lambda shot: (shot[0].article_id, shot[0].index, shot[0].offset, shot[0].text))
    random.Random(seed).shuffle(usable)
    positives = [shot for shot in usable if any(task.counts(span) for span in shot[1])]
    negatives = [shot for shot in usable if not any(task.counts(span) for span in shot[1])]
    return (_spread_over_articles(positives) + _spread_over_articles(negatives))[:k]


def _spread_over_articles(shots: list[Shot]) -> list[Shot]:
    """Reorder so that each article's first window comes before any article's second one."""
    rounds: dict[str, int] = {}
    ranked = []
    for position, shot in enumerate(shots):
        article = shot[0].article_id
        ranked.append((rounds.get(article, 0), position, shot))
        rounds[article] = rounds.get(article, 0) + 1
    return [shot for _, _, shot in sorted(ranked, key=lambda item: (item[0], item[1]))]
