"""The mean training loss over a whole run, also when it was resumed from a checkpoint.

transformers' `TrainOutput.training_loss` after a resume is the mean over the resumed steps only
(a run cut at step 12 of 24 and resumed reported 0.938 where the uninterrupted run had 1.890). The
steps before the checkpoint are recovered from `log_history`, which the checkpoint carries: each
logged `loss` is the mean over the steps since the previous log, so it counts for that many steps;
the few steps between the last log and the checkpoint (when the checkpoint step was not a logging
step) count at the mean of the logs before them. Exact when the checkpoint falls on a logging step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def whole_run_loss(
    log_history: Sequence[Mapping[str, Any]], first_step: int, global_step: int, resumed_mean: float
) -> float:
    """Mean loss over steps 1..global_step; `first_step` is where this process resumed (0: no resume)."""
    if first_step <= 0 or global_step <= first_step:
        return resumed_mean if first_step <= 0 else _earlier_mean(log_history, first_step, resumed_mean)
    earlier_sum = _earlier_sum(log_history, first_step)
    if earlier_sum is None:  # nothing logged before the checkpoint: the resumed part is all we know
        return resumed_mean
    return (earlier_sum + resumed_mean * (global_step - first_step)) / global_step


def _earlier_sum(log_history: Sequence[Mapping[str, Any]], first_step: int) -> float | None:
    """Sum of the per-step losses of steps 1..first_step, from the logs (None when none was logged)."""
    total, covered, previous = 0.0, 0, 0
    for entry in log_history:
        step = entry.get("step")
        if "loss" not in entry or not isinstance(step, int) or step > first_step or step <= previous:
            continue
        total += float(entry["loss"]) * (step - previous)
        covered, previous = covered + (step - previous), step
    if covered == 0:
        return None
    return total + total / covered * (first_step - covered)


def _earlier_mean(log_history: Sequence[Mapping[str, Any]], first_step: int, fallback: float) -> float:
    earlier = _earlier_sum(log_history, first_step)
    return fallback if earlier is None else earlier / first_step
