"""Bootstrap CIs and paired tests on constructed cases whose answer is known."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from ptc_bench.metrics.counts import ArticleCounts, prf
from ptc_bench.metrics.stats import (
    COMPONENTS,
    CounterTable,
    bootstrap_ci,
    bootstrap_distribution,
    metric_from_sums,
    paired_test,
    point_estimate,
)


def table(*rows: tuple[float, float, int, int]) -> CounterTable:
    return CounterTable.from_counts([ArticleCounts(str(i), *row) for i, row in enumerate(rows)])


# Article X is perfect for precision (1 of 1), article Y wrong (0 of 1).
TWO_ARTICLES = table((1.0, 1.0, 1, 1), (0.0, 0.0, 1, 1))


def test_vectorised_metric_equals_the_scalar_formula() -> None:
    rng = random.Random(0)
    cases = [(0.0, 0.0, 0, 0), (0.0, 0.0, 3, 0), (0.0, 1.0, 0, 2), (1.5, 0.5, 2, 4)]
    cases += [(rng.random() * 3, rng.random() * 3, rng.randint(0, 4), rng.randint(0, 4)) for _ in range(200)]
    sums = np.array(cases, dtype=float)
    for index, component in enumerate(COMPONENTS):
        expected = [prf(*case)[index] for case in cases]
        assert metric_from_sums(sums, component).tolist() == pytest.approx(expected, abs=1e-15)


def test_two_article_bootstrap_matches_the_enumerated_distribution() -> None:
    # Resamples XX, XY, YX, YY (probability 1/4 each) give precision 1, 0.5, 0.5, 0.
    distribution = bootstrap_distribution(TWO_ARTICLES, "precision", iterations=4000, seed=3)
    values, counts = np.unique(distribution, return_counts=True)
    assert values.tolist() == [0.0, 0.5, 1.0]
    assert (counts / 4000).tolist() == pytest.approx([0.25, 0.5, 0.25], abs=0.03)
    assert bootstrap_ci(TWO_ARTICLES, "precision", iterations=4000, seed=3) == (0.0, 1.0)
    # the central 40%: percentiles 30 and 70 both fall on 0.5
    assert bootstrap_ci(TWO_ARTICLES, "precision", iterations=4000, seed=3, level=0.4) == (0.5, 0.5)


def test_enumerated_resamples_of_three_articles_cover_the_bootstrap_values() -> None:
    rows = [(1.0, 0.5, 2, 1), (0.0, 0.0, 1, 2), (2.0, 1.0, 2, 3)]
    counters = table(*rows)
    possible = set()
    for picks in itertools.product(range(3), repeat=3):
        ps, rs = (sum(rows[i][k] for i in picks) for k in (0, 1))
        n_pred, n_gold = (int(sum(rows[i][k] for i in picks)) for k in (2, 3))
        possible.add(round(prf(ps, rs, n_pred, n_gold)[2], 12))
    distribution = bootstrap_distribution(counters, "f1", iterations=2000, seed=1)
    assert {round(v, 12) for v in distribution.tolist()} <= possible
    assert len(set(distribution.tolist())) >= len(possible) - 1


def test_ci_contains_the_point_estimate_and_is_seeded() -> None:
    rng = random.Random(7)
    rows = [(rng.random() * 4, rng.random() * 4, rng.randint(2, 6), rng.randint(2, 6)) for _ in range(60)]
    counters = table(*rows)
    for component in ("precision", "recall", "f1"):
        low, high = bootstrap_ci(counters, component, iterations=500, seed=0)
        assert low < point_estimate(counters, component) < high
        assert bootstrap_ci(counters, component, iterations=500, seed=0) == (low, high)
        assert bootstrap_ci(counters, component, iterations=500, seed=1) != (low, high)
    narrow = bootstrap_ci(counters, "f1", iterations=500, level=0.5)
    wide = bootstrap_ci(counters, "f1", iterations=500, level=0.99)
    assert wide[0] <= narrow[0] and narrow[1] <= wide[1]


@pytest.mark.parametrize("method", ["paired_bootstrap", "approximate_randomization"])
def test_identical_systems_differ_by_zero_with_p_one(method: str) -> None:
    rng = random.Random(2)
    counters = table(*[(rng.random(), rng.random(), 1, 1) for _ in range(30)])
    result = paired_test(counters, counters, "f1", iterations=300, seed=0, method=method)  # type: ignore[arg-type]
    assert result.difference == 0.0
    assert result.ci == (0.0, 0.0)
    assert result.p_value == 1.0
    assert (result.method, result.iterations) == (method, 300)


@pytest.mark.parametrize("method", ["paired_bootstrap", "approximate_randomization"])
def test_a_system_better_on_every_article_gets_a_small_p_value(method: str) -> None:
    weak = table(*[(0.2, 0.2, 1, 1)] * 20)
    strong = table(*[(0.9, 0.9, 1, 1)] * 20)
    result = paired_test(weak, strong, "precision", iterations=999, seed=0, method=method)  # type: ignore[arg-type]
    assert result.difference == pytest.approx(0.7)
    assert result.ci == pytest.approx((0.7, 0.7))
    assert result.p_value == pytest.approx(1 / 1000, abs=0.002)
    reverse = paired_test(strong, weak, "precision", iterations=999, seed=0, method=method)  # type: ignore[arg-type]
    assert reverse.difference == pytest.approx(-0.7)


def test_two_article_paired_bootstrap_matches_enumeration() -> None:
    # a: X right, Y wrong; b: both right. d = 1 - 0.5 = 0.5. Resamples: XX -> 0, XY/YX -> 0.5,
    # YY -> 1. |d* - d| >= |d| for XX and YY: p ~ 1/2; the 95% CI spans 0 .. 1.
    system_a = TWO_ARTICLES
    system_b = table((1.0, 1.0, 1, 1), (1.0, 1.0, 1, 1))
    result = paired_test(system_a, system_b, "precision", iterations=4000, seed=5)
    assert result.difference == 0.5
    assert result.ci == (0.0, 1.0)
    assert result.p_value == pytest.approx(0.5, abs=0.03)


def test_paired_test_aligns_articles_by_id_and_rejects_different_sets() -> None:
    a = CounterTable.from_counts([ArticleCounts("x", 1.0, 1.0, 1, 1), ArticleCounts("y", 0.0, 0.0, 1, 1)])
    b = CounterTable.from_counts([ArticleCounts("y", 0.0, 0.0, 1, 1), ArticleCounts("x", 1.0, 1.0, 1, 1)])
    assert paired_test(a, b, "f1", iterations=50).p_value == 1.0
    c = CounterTable.from_counts([ArticleCounts("z", 0.0, 0.0, 1, 1), ArticleCounts("x", 1.0, 1.0, 1, 1)])
    with pytest.raises(ValueError, match="different article sets"):
        paired_test(a, c, "f1", iterations=50)


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="zero articles"):
        bootstrap_ci(table(), "f1")
    with pytest.raises(ValueError, match="iterations"):
        bootstrap_ci(TWO_ARTICLES, "f1", iterations=0)
    with pytest.raises(ValueError, match="level"):
        bootstrap_ci(TWO_ARTICLES, "f1", level=1.5)
    with pytest.raises(ValueError, match="method"):
        paired_test(TWO_ARTICLES, TWO_ARTICLES, "f1", method="coin")  # type: ignore[arg-type]
