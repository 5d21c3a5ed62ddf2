"""The oracle round trip, on a case whose numbers are worked out by hand."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.evaluation.oracle import oracle_round_trip
from ptc_bench.core.types import Article, Span, SplitData
from ptc_bench.tasks import get_task

NC = "Name_Calling,Labeling"


def _split() -> SplitData:
    # "crooks" occurs twice; only the second occurrence is gold.
    text = "The crooks met. The crooks left.\n"
    return SplitData("dev", {"1": Article("1", text)}, {"1": (Span(20, 26, NC),)})


def test_policy_all_marks_every_occurrence() -> None:
    result = oracle_round_trip(get_task("name-calling"), _split(), window_chars=100, policy="all")
    metrics = result.summary.metrics
    # predictions [4,10) and [20,26); gold [20,26): precision sum 1 over 2, recall sum 1 over 1
    assert metrics["si_precision"].value == pytest.approx(0.5)
    assert metrics["si_recall"].value == pytest.approx(1.0)
    assert metrics["si_f1"].value == pytest.approx(2 / 3)
    assert result.outcome.json_validity == 1.0 and result.outcome.hallucination_rate == 0.0


def test_policy_first_marks_the_wrong_occurrence_here() -> None:
    result = oracle_round_trip(get_task("name-calling"), _split(), window_chars=100, policy="first")
    metrics = result.summary.metrics
    assert (metrics["si_precision"].value, metrics["si_recall"].value, metrics["si_f1"].value) == (0, 0, 0)


def test_oracle_is_perfect_when_phrases_are_unique() -> None:
    split = SplitData("dev", {"1": Article("1", "The crooks met.\n")}, {"1": (Span(4, 10, NC),)})
    result = oracle_round_trip(get_task("name-calling"), split, window_chars=100)
    assert result.summary.metrics["flc_f1"].value == 1.0
    assert result.summary.metrics["exact_f1"].value == 1.0
