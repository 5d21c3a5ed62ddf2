"""Metric names typed with `-` or `_` resolve to the results.json spelling."""

from __future__ import annotations

import pytest

from ptc_bench.core.errors import UserError
from ptc_bench.metrics.registry import REGISTRY, higher_is_better, metric_order
from ptc_bench.reports.metric_names import resolve_metric


@pytest.mark.parametrize("typed", ["flc-f1", "flc_f1", "FLC-F1", " flc_F1 "])
def test_aliases(typed: str) -> None:
    assert resolve_metric(typed) == "flc_f1"


def test_extra_metric_found_in_runs_is_accepted() -> None:
    assert resolve_metric("tc-accuracy", available={"tc_accuracy"}) == "tc_accuracy"


def test_unknown_metric_lists_the_known_ones() -> None:
    with pytest.raises(UserError, match=r"unknown metric 'flc-f2'; expected one of si-precision, .*flc-f1"):
        resolve_metric("flc-f2")


def test_direction_and_order() -> None:
    assert not higher_is_better("hallucination_rate") and higher_is_better("json_validity")
    assert metric_order({"zeta", "flc_f1", "si_f1"}) == ["si_f1", "flc_f1", "zeta"]


def test_registered_tc_and_macro_metrics_resolve_without_a_run() -> None:
    assert resolve_metric("tc-accuracy") == "tc_accuracy" and resolve_metric("flc-macro-f1") == "flc_macro_f1"


def test_every_metric_is_registered_once_with_its_direction() -> None:
    names = [metric.name for metric in REGISTRY]
    assert len(names) == len(set(names))
    assert [m.name for m in REGISTRY if not m.higher_is_better] == ["hallucination_rate"]
    assert [m.name for m in REGISTRY if m.headline] == [
        "si_f1",
        "flc_f1",
        "exact_f1",
        "token_f1",
        "json_validity",
        "hallucination_rate",
    ]
