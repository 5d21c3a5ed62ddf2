"""Counters behind every span metric, and the one formula that turns them into P/R/F1.

Every corpus metric here (SI, FLC, exact match, token level) is a function of four sums over
articles: precision sum, recall sum, number of predicted and of gold units. Keeping the
per-article contributions lets the bootstrap recompute the metric on resampled articles cheaply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

_Score = TypeVar("_Score", bound="SpanScore")


def prf(precision_sum: float, recall_sum: float, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """(P, R, F1) by the official rules: F1 is 1.0 with no predictions and no gold, 0 unless P, R > 0."""
    precision = precision_sum / n_pred if n_pred > 0 else 0.0
    recall = recall_sum / n_gold if n_gold > 0 else 0.0
    if precision > 0 and recall > 0:
        f1 = 2 * precision * recall / (precision + recall)
    elif n_pred == 0 and n_gold == 0:
        f1 = 1.0
    else:
        f1 = 0.0
    return precision, recall, f1


@dataclass(frozen=True)
class ArticleCounts:
    """One article's contribution to a metric (for exact/token metrics the sums are match counts)."""

    article_id: str
    precision_sum: float
    recall_sum: float
    n_pred: int
    n_gold: int


@dataclass(frozen=True)
class SpanScore:
    """Corpus P/R/F1 with the summed counters behind it and each article's contribution."""

    precision: float
    recall: float
    f1: float
    precision_sum: float
    recall_sum: float
    n_pred: int
    n_gold: int
    per_article: tuple[ArticleCounts, ...] = ()

    @classmethod
    def from_counts(cls: type[_Score], per_article: Sequence[ArticleCounts]) -> _Score:
        """The corpus score of these per-article counters (summed in the given order)."""
        return cls(*_summed(per_article), per_article=tuple(per_article))


@dataclass(frozen=True)
class ScoreByTechnique(SpanScore):
    """An overall score (sums over all techniques) plus the same score restricted to each technique."""

    per_technique: Mapping[str, SpanScore] = field(default_factory=dict)

    @classmethod
    def from_techniques(
        cls, per_technique: Mapping[str, SpanScore], article_ids: Sequence[str]
    ) -> ScoreByTechnique:
        """Overall counters per article = the sums of the technique scores' per-article counters."""
        totals = {article_id: [0.0, 0.0, 0, 0] for article_id in article_ids}
        for score in per_technique.values():
            for counts in score.per_article:
                total = totals[counts.article_id]
                total[0] += counts.precision_sum
                total[1] += counts.recall_sum
                total[2] += counts.n_pred
                total[3] += counts.n_gold
        per_article = tuple(
            ArticleCounts(article_id, float(t[0]), float(t[1]), int(t[2]), int(t[3]))
            for article_id, t in totals.items()
        )
        return cls(*_summed(per_article), per_article=per_article, per_technique=dict(per_technique))


def _summed(per_article: Sequence[ArticleCounts]) -> tuple[float, float, float, float, float, int, int]:
    """(P, R, F1, precision sum, recall sum, n_pred, n_gold) of summed per-article counters."""
    precision_sum = float(sum(c.precision_sum for c in per_article))
    recall_sum = float(sum(c.recall_sum for c in per_article))
    n_pred = sum(c.n_pred for c in per_article)
    n_gold = sum(c.n_gold for c in per_article)
    return (*prf(precision_sum, recall_sum, n_pred, n_gold), precision_sum, recall_sum, n_pred, n_gold)
