"""Metric names typed with `-` or `_` resolve to the results.json spelling."""

from __future__ import annotations

import pytest

from core.errors import UserError
from reports.metric_names import higher_is_better, metric_order, resolve_metric


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
