"""whole_run_loss: the manifest's train loss covers the whole run, also after a resume (issue 22, case 11)."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.training.loss import whole_run_loss

LOGS = [{"loss": 2.0, "step": 10}, {"eval_loss": 1.7, "step": 12}, {"loss": 1.0, "step": 20}]


def test_without_a_resume_the_trainers_mean_is_kept() -> None:
    assert whole_run_loss(LOGS, 0, 24, 1.4) == 1.4


def test_a_resumed_run_counts_the_steps_before_the_checkpoint() -> None:
    # steps 1-20 logged (sum 30), steps 21-24 at their mean 1.5 (6), steps 25-48 at 0.5 (12)
    assert whole_run_loss([*LOGS, {"loss": 0.5, "step": 30}], 24, 48, 0.5) == pytest.approx(48 / 48)


def test_a_checkpoint_on_a_logging_step_is_exact() -> None:
    assert whole_run_loss(LOGS, 20, 40, 0.5) == pytest.approx((30 + 0.5 * 20) / 40)


def test_nothing_logged_before_the_checkpoint_keeps_the_resumed_mean() -> None:
    assert whole_run_loss([{"eval_loss": 1.0, "step": 5}], 5, 10, 0.7) == 0.7
