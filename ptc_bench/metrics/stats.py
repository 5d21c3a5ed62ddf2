"""Article-level bootstrap confidence intervals and paired tests between two systems.

Every metric is a function of four counters summed over articles (see `metrics.counts`), so a
resample of articles is a resample of per-article counter rows: numpy sums over an
(iterations x articles) index matrix give the whole bootstrap distribution at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ptc_bench.metrics.counts import ArticleCounts

Component = Literal["precision", "recall", "f1"]
TestMethod = Literal["paired_bootstrap", "approximate_randomization"]
COMPONENTS: tuple[Component, ...] = ("precision", "recall", "f1")
_TIE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class CounterTable:
    """Per-article counters as aligned numpy columns (one row per article, ids in `article_ids`)."""

    article_ids: tuple[str, ...]
    counters: NDArray[np.float64]  # shape (n_articles, 4): precision_sum, recall_sum, n_pred, n_gold

    @classmethod
    def from_counts(cls, per_article: Sequence[ArticleCounts]) -> CounterTable:
        """The table of these per-article counters, in their order."""
        rows = [(c.precision_sum, c.recall_sum, c.n_pred, c.n_gold) for c in per_article]
        counters = np.array(rows, dtype=np.float64).reshape(len(rows), 4)
        return cls(tuple(c.article_id for c in per_article), counters)

    def aligned(self, article_ids: Sequence[str]) -> CounterTable:
        """The same table with rows in the order of `article_ids` (ValueError if the sets differ)."""
        if sorted(article_ids) != sorted(self.article_ids):
            raise ValueError("the two systems were scored on different article sets")
        position = {article_id: index for index, article_id in enumerate(self.article_ids)}
        order = [position[article_id] for article_id in article_ids]
        return CounterTable(tuple(article_ids), self.counters[order])


def metric_from_sums(sums: NDArray[np.float64], component: Component) -> NDArray[np.float64]:
    """P, R or F1 of summed counters (`sums[..., 4]`), vectorised, with the rules of `counts.prf`."""
    precision_sum, recall_sum, n_pred, n_gold = (sums[..., k] for k in range(4))
    precision = np.divide(precision_sum, n_pred, out=np.zeros_like(precision_sum), where=n_pred > 0)
    recall = np.divide(recall_sum, n_gold, out=np.zeros_like(recall_sum), where=n_gold > 0)
    if component == "precision":
        return precision
    if component == "recall":
        return recall
    both = (precision > 0) & (recall > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros_like(precision), where=both)
    return np.where(both, f1, np.where((n_pred == 0) & (n_gold == 0), 1.0, 0.0))


def point_estimate(table: CounterTable, component: Component) -> float:
    """The metric on all articles."""
    return float(metric_from_sums(table.counters.sum(axis=0), component))


def bootstrap_distribution(
    table: CounterTable, component: Component, *, iterations: int = 1000, seed: int = 0
) -> NDArray[np.float64]:
    """The metric on `iterations` resamples of the articles with replacement (seeded)."""
    indices = _resample_indices(len(table.article_ids), iterations, seed)
    return metric_from_sums(table.counters[indices].sum(axis=1), component)


def percentile_interval(values: NDArray[np.float64], level: float = 0.95) -> tuple[float, float]:
    """The central `level` percentile interval of a distribution."""
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {level}")
    low, high = np.percentile(values, [50 * (1 - level), 50 * (1 + level)])
    return float(low), float(high)


def bootstrap_ci(
    table: CounterTable,
    component: Component,
    *,
    iterations: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the metric, resampling articles."""
    return percentile_interval(
        bootstrap_distribution(table, component, iterations=iterations, seed=seed), level
    )


@dataclass(frozen=True)
class PairedTest:
    """Difference b - a of a metric between two systems, its bootstrap CI and a two-sided p-value."""

    difference: float
    ci: tuple[float, float]
    p_value: float
    method: TestMethod
    iterations: int


def paired_test(
    table_a: CounterTable,
    table_b: CounterTable,
    component: Component,
    *,
    iterations: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    method: TestMethod = "paired_bootstrap",
) -> PairedTest:
    """Paired test on the same articles: bootstrap CI of b - a and a p-value by `method`.

    paired_bootstrap: both systems resampled with the same articles; p = share of resampled
    differences at least |d| away from the observed d (the null-centred distribution), add-one
    smoothed. approximate_randomization: each article's counters swapped between the systems with
    probability 1/2; p = share of |shuffled difference| >= |d|, add-one smoothed. The CI is the
    paired bootstrap percentile interval for both methods.
    """
    table_b = table_b.aligned(table_a.article_ids)
    observed = point_estimate(table_b, component) - point_estimate(table_a, component)
    indices = _resample_indices(len(table_a.article_ids), iterations, seed)
    differences = metric_from_sums(table_b.counters[indices].sum(axis=1), component) - metric_from_sums(
        table_a.counters[indices].sum(axis=1), component
    )
    ci = percentile_interval(differences, level)
    if method == "paired_bootstrap":
        extreme = np.abs(differences - observed) >= abs(observed) - _TIE_TOLERANCE
    elif method == "approximate_randomization":
        shuffled = _randomized_differences(table_a, table_b, component, iterations, seed)
        extreme = np.abs(shuffled) >= abs(observed) - _TIE_TOLERANCE
    else:
        raise ValueError(f"unknown paired test method {method!r}")
    p_value = (1 + int(extreme.sum())) / (iterations + 1)
    return PairedTest(observed, ci, p_value, method, iterations)


def _resample_indices(n_articles: int, iterations: int, seed: int) -> NDArray[np.intp]:
    """An (iterations x n_articles) matrix of article indices drawn with replacement."""
    if n_articles == 0:
        raise ValueError("cannot bootstrap over zero articles")
    if iterations < 1:
        raise ValueError(f"iterations must be positive, got {iterations}")
    return np.random.default_rng(seed).integers(0, n_articles, size=(iterations, n_articles))


def _randomized_differences(
    table_a: CounterTable, table_b: CounterTable, component: Component, iterations: int, seed: int
) -> NDArray[np.float64]:
    """b - a after swapping each article's counters between the systems with probability 1/2."""
    rng = np.random.default_rng([seed, 1])
    swap = rng.random((iterations, len(table_a.article_ids)))[..., None] < 0.5
    shuffled_a = np.where(swap, table_b.counters, table_a.counters).sum(axis=1)
    shuffled_b = np.where(swap, table_a.counters, table_b.counters).sum(axis=1)
    return metric_from_sums(shuffled_b, component) - metric_from_sums(shuffled_a, component)
