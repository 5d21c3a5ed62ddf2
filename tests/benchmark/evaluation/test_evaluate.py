"""Completions -> records and predictions: parse, align and count, with hand-checked numbers."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.evaluation.evaluate import build_eval_items, evaluate_completions
from ptc_bench.core.types import Article, Span, SplitData
from ptc_bench.tasks import get_task

TEXT = "The crooks met the mayor.\nThe crooks left town.\n"
NC = "Name_Calling,Labeling"
LL = "Loaded_Language"


def _split() -> SplitData:
    gold = (Span(30, 36, NC), Span(4, 10, LL))
    return SplitData("dev", {"1": Article("1", TEXT)}, {"1": gold})


def test_task_gold_keeps_only_the_task_technique() -> None:
    assert get_task("name-calling").gold(_split().gold("1")) == (Span(30, 36, NC),)


def test_task_gold_of_span_identification_drops_techniques() -> None:
    spans = (Span(4, 10, LL), Span(4, 10, NC), Span(0, 3, NC))
    assert get_task("span-identification").gold(spans) == (Span(0, 3), Span(4, 10))


def test_items_carry_window_gold_in_article_offsets() -> None:
    items = build_eval_items(get_task("name-calling"), _split(), window_chars=30)
    assert [(i.window.offset, i.window.text) for i in items] == [(0, TEXT[:26]), (26, TEXT[26:])]
    assert [i.gold for i in items] == [(), (Span(30, 36, NC),)]
    assert items[1].target == '{"crooks": "Name_Calling,Labeling"}'
    assert "### Text:" in items[0].prompt


def test_evaluate_counts_validity_spans_and_hallucinations() -> None:
    task = get_task("name-calling")
    items = build_eval_items(task, _split(), window_chars=30)
    completions = [
        "Sure! Here you go: {",  # truncated, nothing recoverable
        '{"crooks": "Name-Calling", "villains": "Name_Calling,Labeling"}',
    ]
    outcome = evaluate_completions(task, items, completions, system="base")
    first, second = outcome.records
    assert first.spans == () and first.parse.ok is False
    assert second.spans == (Span(30, 36, NC),)  # alias normalised, offset shifted to the article
    assert second.unaligned == (("villains", NC),)
    assert outcome.predictions == {"1": (Span(30, 36, NC),)}
    assert outcome.json_validity == pytest.approx(1 / 2)
    assert outcome.n_phrases == 2
    assert outcome.hallucination_rate == pytest.approx(1 / 2)
    assert sum(outcome.error_counts().values()) == 1
    assert second.to_json()["counts"] == {"n_pred": 1, "n_gold": 1, "n_unaligned": 1}


def test_span_identification_predictions_have_no_technique() -> None:
    task = get_task("span-identification")
    items = build_eval_items(task, _split(), window_chars=100)
    outcome = evaluate_completions(task, items, ['{"crooks": "propaganda"}'], system="base")
    assert outcome.predictions["1"] == (Span(4, 10), Span(30, 36))


def test_classification_items_one_per_gold_span_with_the_label_as_target() -> None:
    task = get_task("technique-classification")
    items = build_eval_items(task, _split(), window_chars=30)
    assert [(i.span, i.target) for i in items] == [
        (Span(4, 10, LL), '{"technique": "Loaded_Language"}'),
        (Span(30, 36, NC), '{"technique": "Name_Calling,Labeling"}'),
    ]
    outcome = evaluate_completions(task, items, ['{"technique": "Doubt"}', "nonsense"], system="base")
    assert outcome.predictions == {"1": (Span(4, 10, "Doubt"),)}


def test_classification_span_across_windows_is_shown_in_the_joined_windows() -> None:
    split = SplitData("dev", {"1": Article("1", TEXT)}, {"1": (Span(20, 30, LL),)})
    (item,) = build_eval_items(get_task("technique-classification"), split, window_chars=30)
    assert item.window.offset == 0 and item.window.text == TEXT


def test_mismatched_lengths_are_an_error() -> None:
    task = get_task("name-calling")
    items = build_eval_items(task, _split(), window_chars=30)
    with pytest.raises(ValueError, match="2 items but 1 completions"):
        evaluate_completions(task, items, ["{}"], system="base")
