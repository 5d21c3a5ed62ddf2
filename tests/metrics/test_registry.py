"""The metric registry: every metric carries its computation, and the record metrics compute what a
hand count gives."""

from __future__ import annotations

import pytest

from ptc_bench.core.records import SampleParse, SampleRecord, TechniqueScore
from ptc_bench.core.types import Span
from ptc_bench.metrics.registry import (
    METRIC_NAMES,
    RECORD_METRICS,
    REGISTRY,
    SPAN_METRICS,
    RecordInputs,
    SampleRatio,
    SpanComponent,
)

LOADED = "Loaded_Language"
NAME = "Name_Calling,Labeling"
RECORD = dict(RECORD_METRICS)


def record(
    article: str,
    *,
    valid: bool,
    pairs: int,
    unaligned: int,
    gold: tuple[Span, ...] = (),
    spans: tuple[Span, ...] = (),
) -> SampleRecord:
    parse = SampleParse(
        valid, None if valid else "no_json", "", False, tuple((f"p{i}", LOADED) for i in range(pairs))
    )
    return SampleRecord(
        "adapted", article, 0, 0, "h", "h", "{}", parse, spans,
        tuple((f"u{i}", LOADED) for i in range(unaligned)), gold,
    )  # fmt: skip


def test_every_metric_is_computed_by_exactly_one_of_the_two_loops_in_registry_order() -> None:
    names = [name for name, _ in SPAN_METRICS] + [name for name, _ in RECORD_METRICS]
    assert names == list(METRIC_NAMES) == [metric.name for metric in REGISTRY]
    assert all(isinstance(c, SpanComponent) for _, c in SPAN_METRICS)
    assert [n for n, _ in RECORD_METRICS] == [
        "json_validity",
        "hallucination_rate",
        "tc_accuracy",
        "flc_macro_f1",
    ]


def test_json_validity_and_hallucination_are_ratios_of_sums_over_the_samples() -> None:
    records = [
        record("1", valid=True, pairs=2, unaligned=1),
        record("1", valid=False, pairs=0, unaligned=0),
        record("2", valid=True, pairs=3, unaligned=0),
    ]
    inputs = RecordInputs(records)
    validity = RECORD["json_validity"].compute(inputs, iterations=0, seed=0)
    hallucination = RECORD["hallucination_rate"].compute(inputs, iterations=0, seed=0)
    assert validity is not None and validity.value == pytest.approx(2 / 3) and validity.ci is None
    # 1 phrase of 5 not found in the text (a ratio of sums, not the mean of 1/2, -, 0/3)
    assert hallucination is not None and hallucination.value == pytest.approx(1 / 5)
    with_ci = RECORD["json_validity"].compute(inputs, iterations=200, seed=0)
    assert with_ci is not None and with_ci.ci is not None
    # resampling two articles: article 1 alone gives 1/2, article 2 alone 1/1
    assert 0.5 <= with_ci.ci[0] <= with_ci.ci[1] <= 1.0


def test_no_phrase_given_is_a_hallucination_rate_of_zero() -> None:
    value = RECORD["hallucination_rate"].compute(
        RecordInputs([record("1", valid=True, pairs=0, unaligned=0)]), iterations=0, seed=0
    )
    assert value is not None and value.value == 0.0


def test_tc_accuracy_only_for_one_prompt_per_span_tasks_and_an_unanswered_span_is_wrong() -> None:
    records = [
        record(
            "1", valid=True, pairs=1, unaligned=0, gold=(Span(0, 4, LOADED),), spans=(Span(0, 4, LOADED),)
        ),
        record("1", valid=True, pairs=1, unaligned=0, gold=(Span(5, 9, NAME),), spans=(Span(5, 9, LOADED),)),
        record("2", valid=False, pairs=0, unaligned=0, gold=(Span(0, 3, NAME),)),
    ]
    assert RECORD["tc_accuracy"].compute(RecordInputs(records), iterations=0, seed=0) is None
    tc = RECORD["tc_accuracy"].compute(RecordInputs(records, one_prompt_per_span=True), iterations=0, seed=0)
    assert tc is not None and tc.value == pytest.approx(1 / 3)


def test_macro_flc_is_the_mean_over_techniques_with_a_score_and_needs_two_techniques() -> None:
    two = {LOADED: TechniqueScore(1.0, 0.5, 0.6, 2, 4), NAME: TechniqueScore(0.0, 0.0, 0.2, 1, 1)}
    three = {**two, "Doubt": TechniqueScore(None, None, None, 0, 0)}
    macro = RECORD["flc_macro_f1"]
    value = macro.compute(RecordInputs([], three), iterations=0, seed=0)
    assert value is not None and value.value == pytest.approx(0.4) and value.ci is None
    assert macro.compute(RecordInputs([], {LOADED: two[LOADED]}), iterations=0, seed=0) is None


def test_a_new_sample_metric_is_one_computation() -> None:
    answered = SampleRatio(lambda r: 1.0 if r.parse.pairs else 0.0, lambda r: 1.0)
    records = [record("1", valid=True, pairs=1, unaligned=0), record("2", valid=True, pairs=0, unaligned=0)]
    value = answered.compute(RecordInputs(records), iterations=0, seed=0)
    assert value.value == 0.5
