"""summarize_system and compare_systems: every results.json metric, CIs, per technique, paired tests."""

from __future__ import annotations

import pytest

from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span
from ptc_bench.metrics.registry import SPAN_METRIC_NAMES as METRIC_NAMES
from ptc_bench.metrics.summary import MetricValue, compare_systems, summarize_system

LOADED = "Loaded_Language"
NAME = "Name_Calling,Labeling"
TEXTS = {"1": "aa bb cc dd ee ff", "2": "gg hh ii jj"}
GOLD = {"1": [Span(3, 8, LOADED), Span(12, 17, NAME)], "2": [Span(0, 5, LOADED)]}
PRED = {"1": [Span(3, 8, LOADED), Span(12, 14, LOADED)], "2": []}


def test_every_results_metric_is_present_with_a_ci() -> None:
    summary = summarize_system(PRED, GOLD, TEXTS, techniques=LABELS, technique_agnostic=False, iterations=200)
    assert tuple(summary.metrics) == METRIC_NAMES
    assert METRIC_NAMES[0] == "si_precision" and METRIC_NAMES[-1] == "token_f1" and len(METRIC_NAMES) == 12
    for value in summary.metrics.values():
        assert value.ci is not None
        assert value.ci[0] <= value.ci[1]
    # SI: preds [3,8) and [12,14) vs gold [3,8), [12,17) in 1 and [0,5) in 2
    assert summary.metrics["si_precision"].value == 1.0
    assert summary.metrics["si_recall"].value == pytest.approx((1 + 0.4) / 3)
    # FLC: [12,14) is LOADED, the gold there is NAME
    assert summary.metrics["flc_precision"].value == 0.5
    assert summary.metrics["flc_recall"].value == pytest.approx(1 / 3)
    # exact: one of two predictions, one of three gold spans
    assert summary.metrics["exact_f1"].value == pytest.approx(0.4)
    # token chunks: "bb cc" right, "ee" (LOADED) wrong: P 1/2, R 1/3
    assert summary.metrics["token_precision"].value == 0.5
    assert summary.metrics["token_recall"].value == pytest.approx(1 / 3)
    assert (summary.n_pred_spans, summary.n_gold_spans) == (2, 3)


def test_per_technique_flc_with_counts() -> None:
    summary = summarize_system(PRED, GOLD, TEXTS, techniques=LABELS, technique_agnostic=False, iterations=0)
    loaded = summary.per_technique[LOADED]
    assert (loaded.n_pred, loaded.n_gold) == (2, 2)
    assert (loaded.flc_precision, loaded.flc_recall, loaded.flc_f1) == (0.5, 0.5, 0.5)
    name = summary.per_technique[NAME]
    assert (name.n_pred, name.n_gold, name.flc_f1) == (0, 1, 0.0)
    assert all(value.ci is None for value in summary.metrics.values())


def test_technique_task_scores_only_its_technique() -> None:
    summary = summarize_system(PRED, GOLD, TEXTS, techniques=[NAME], technique_agnostic=False, iterations=0)
    assert list(summary.per_technique) == [NAME]
    # no NAME predictions; NAME gold [12,17) only
    assert summary.metrics["si_recall"] == MetricValue(0.0, None)
    assert (summary.n_pred_spans, summary.n_gold_spans) == (0, 1)


def test_technique_agnostic_flc_equals_si() -> None:
    summary = summarize_system(PRED, GOLD, TEXTS, techniques=LABELS, technique_agnostic=True, iterations=100)
    for component in ("precision", "recall", "f1"):
        assert summary.metrics[f"flc_{component}"] == summary.metrics[f"si_{component}"]
    assert summary.per_technique == {}
    # agnostic exact match: [3,8) matches, [12,14) does not
    assert summary.metrics["exact_precision"].value == 0.5


def test_compare_identical_and_better_systems() -> None:
    same = compare_systems(PRED, PRED, GOLD, TEXTS, iterations=100)
    assert [c.metric for c in same] == ["si_f1", "flc_f1", "exact_f1"]
    assert all(c.difference == 0.0 and c.p_value == 1.0 for c in same)
    better = compare_systems(
        PRED, GOLD, GOLD, TEXTS, metrics=("flc_recall", "token_f1"), iterations=100, seed=1
    )
    assert better[0].difference == pytest.approx(1 - 1 / 3)
    assert better[0].ci[0] <= better[0].difference <= better[0].ci[1]
    assert (better[0].method, better[0].iterations) == ("paired_bootstrap", 100)
    randomized = compare_systems(
        PRED, GOLD, GOLD, TEXTS, metrics=("flc_f1",), method="approximate_randomization"
    )
    assert randomized[0].method == "approximate_randomization"
    assert randomized[0].p_value > 0.2  # two articles cannot make a difference significant


def test_unknown_metric_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown metric 'bleu'"):
        compare_systems(PRED, PRED, GOLD, TEXTS, metrics=("bleu",))


def test_no_gold_and_no_predictions_is_undefined_not_a_perfect_score() -> None:
    """Issue 22, case 3: the official F1 1.0 on nothing is reported as undefined (None, no CI)."""
    gold = {"1": [Span(3, 8, LOADED)], "2": []}
    pred: dict[str, list[Span]] = {"1": [], "2": []}
    summary = summarize_system(pred, gold, TEXTS, techniques=(NAME,), technique_agnostic=False, iterations=50)
    for name in METRIC_NAMES:
        assert summary.metrics[name] == MetricValue(None, None), name
    assert summary.per_technique[NAME].flc_f1 is None


def test_the_official_rules_hold_whenever_there_is_something_to_score() -> None:
    gold = {"1": [], "2": []}
    pred = {"1": [Span(3, 8, NAME)], "2": []}
    summary = summarize_system(pred, gold, TEXTS, techniques=(NAME,), technique_agnostic=False, iterations=0)
    assert summary.metrics["si_f1"].value == 0.0 and summary.metrics["flc_precision"].value == 0.0
