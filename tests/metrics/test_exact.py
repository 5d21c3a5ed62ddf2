"""Exact-match span scores: identical boundaries (and technique) only, duplicates once, no merging."""

from __future__ import annotations

import pytest

from ptc_bench.core.types import Span
from ptc_bench.metrics.exact import score_exact

LOADED = "Loaded_Language"
NAME = "Name_Calling,Labeling"
DOUBT = "Doubt"

GOLD = {"1": [Span(0, 5, LOADED), Span(0, 5, NAME), Span(10, 20, LOADED)], "2": []}
PRED = {"1": [Span(0, 5, LOADED), Span(0, 5, LOADED), Span(10, 19, LOADED), Span(0, 5, DOUBT)]}


def counts(score: object) -> tuple[float, float, int, int]:
    return (score.precision_sum, score.recall_sum, score.n_pred, score.n_gold)  # type: ignore[attr-defined]


def test_technique_aware_exact_match_per_technique_and_overall() -> None:
    score = score_exact(PRED, GOLD)
    assert counts(score.per_technique[LOADED]) == (1.0, 1.0, 2, 2)  # the duplicate [0,5) counts once
    assert counts(score.per_technique[NAME]) == (0.0, 0.0, 0, 1)
    assert counts(score.per_technique[DOUBT]) == (0.0, 0.0, 1, 0)
    assert counts(score) == (1.0, 1.0, 3, 3)
    assert (score.precision, score.recall, score.f1) == pytest.approx((1 / 3, 1 / 3, 1 / 3))


def test_technique_agnostic_exact_match_compares_boundaries_only() -> None:
    score = score_exact(PRED, GOLD, technique_agnostic=True)
    assert counts(score) == (1.0, 1.0, 2, 2)
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)
    assert dict(score.per_technique) == {}


def test_overlapping_predictions_are_not_merged_for_exact_match() -> None:
    score = score_exact({"1": [Span(0, 6, LOADED), Span(4, 10, LOADED)]}, {"1": [Span(0, 10, LOADED)]})
    assert counts(score) == (0.0, 0.0, 2, 1)
    assert score.f1 == 0.0


def test_restricted_techniques_and_per_article_counters() -> None:
    score = score_exact(PRED, GOLD, techniques=[NAME])
    assert counts(score) == (0.0, 0.0, 0, 1)
    assert [c.article_id for c in score.per_article] == ["1", "2"]


def test_empty_everything_is_perfect_and_unknown_articles_rejected() -> None:
    assert score_exact({}, {"1": []}).f1 == 1.0
    with pytest.raises(ValueError, match="'7'"):
        score_exact({"7": [Span(0, 1, LOADED)]}, {"1": []})
