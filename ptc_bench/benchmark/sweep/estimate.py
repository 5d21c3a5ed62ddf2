"""What a sweep's jobs cost: their work counted from the data, their time from this machine's finished jobs.

A job's work is its training windows times epochs (none when it evaluates a given adapter or only
the base model) plus its evaluation prompts times systems. Seconds per unit of work are measured per
kind of job (approach, model, engine) from the jobs of the same kind that finished in this runs
folder (the sweep log's seconds); a kind with no finished job has no estimate yet, and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ptc_bench.benchmark.stage.spec import RunSpec
    from ptc_bench.benchmark.stage.stage import PreparedData


COUNTED_VARIANT = "instruction"  # what prompts are counted as (a chat template needs the model's tokenizer)


@dataclass(frozen=True)
class Work:
    """The counted work of one job."""

    kind: str  # "approach model engine": jobs of one kind share a rate
    train_windows: int  # windows kept for training (0: nothing trained)
    epochs: float
    eval_prompts: int
    systems: int
    characters: int  # prompt characters the job processes (training windows x epochs + evaluation)

    @property
    def units(self) -> float:
        """Training window-epochs plus evaluation prompt-systems."""
        return self.train_windows * self.epochs + self.eval_prompts * self.systems


def rates(done: Sequence[tuple[Work, float]]) -> dict[str, float]:
    """Seconds per unit of work, per kind, from (work, seconds) of finished jobs."""
    totals: dict[str, tuple[float, float]] = {}
    for work, seconds in done:
        if seconds <= 0 or work.units <= 0:
            continue
        spent, units = totals.get(work.kind, (0.0, 0.0))
        totals[work.kind] = (spent + seconds, units + work.units)
    return {kind: spent / units for kind, (spent, units) in totals.items()}


def seconds_left(work: Work, known: dict[str, float]) -> float | None:
    """The expected seconds of a job not yet done, or None when its kind has no measured rate."""
    rate = known.get(work.kind)
    return None if rate is None else rate * work.units


def count_work(spec: RunSpec, data: PreparedData) -> Work:
    """The work of a run of `spec` on `data`: the windows training keeps and the prompts evaluated.

    Prompts are counted as the instruction variant renders them (no tokenizer, so no model is
    loaded to plan): the windows and prompts are the same for every variant; the characters leave
    out the few of a chat template."""
    from ptc_bench.benchmark.evaluation.evaluate import build_eval_items
    from ptc_bench.benchmark.training.examples import EMPTY_ANSWER, select_indices
    from ptc_bench.tasks import get_task

    task = get_task(spec.task)
    trains = spec.adapter is None and "adapted" in spec.systems
    train_windows, epochs, train_characters = 0, 0.0, 0.0
    if trains:
        items = build_eval_items(task, data.train, window_chars=spec.window_chars, variant=COUNTED_VARIANT)
        kept = select_indices(
            [not item.target or item.target == EMPTY_ANSWER for item in items],
            max_empty_share=spec.train.max_empty_share,
            max_windows=spec.train.max_train_windows,
            seed=spec.train.seed,
        )
        train_windows = len(kept)
        epochs = spec.train.epochs
        if spec.train.max_steps > 0 and kept:  # training stops at max_steps optimiser steps
            per_step = spec.train.per_device_batch_size * spec.train.gradient_accumulation_steps
            epochs = min(epochs, spec.train.max_steps * per_step / len(kept))
        train_characters = sum(len(items[i].prompt) for i in kept) * epochs
    evaluated = build_eval_items(
        task, data.evaluation, window_chars=spec.window_chars, variant=COUNTED_VARIANT
    )
    systems = len(spec.systems)
    return Work(
        kind=f"{spec.approach} {spec.model} {spec.engine}",
        train_windows=train_windows,
        epochs=float(epochs),
        eval_prompts=len(evaluated),
        systems=systems,
        characters=int(train_characters + sum(len(item.prompt) for item in evaluated) * systems),
    )
