"""Training pairs for a task: every window of the train data with its gold answer as the target."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ptc_bench.core.types import SplitData

EMPTY_ANSWER = "{}"


@dataclass(frozen=True)
class TrainExample:
    """One training pair; `completion` is the target answer WITHOUT the eos (the recipe adds it)."""

    prompt: str
    completion: str


def build_train_examples(
    task_name: str,
    data_dir: str | Path | None,
    window_chars: int,
    variant: str = "instruction",
    *,
    tokenizer: object | None = None,
) -> tuple[list[TrainExample], list[TrainExample]]:
    """(train, validation) pairs from the release's train split and its deterministic validation part."""
    from ptc_bench.benchmark.data import load_train_and_validation, resolve_data_dir
    from ptc_bench.tasks import get_task

    task = get_task(task_name)
    source = resolve_data_dir(None if data_dir is None else str(data_dir))
    train, validation = load_train_and_validation(source.path)
    return (
        split_examples(task_name, train, window_chars, variant, tokenizer=tokenizer),
        split_examples(task.name, validation, window_chars, variant, tokenizer=tokenizer),
    )


def split_examples(
    task_name: str,
    split: SplitData,
    window_chars: int,
    variant: str = "instruction",
    *,
    tokenizer: object | None,
) -> list[TrainExample]:
    """One pair per window (per gold span for classification); windows without gold get `{}`."""
    from ptc_bench.benchmark.evaluation.evaluate import build_eval_items
    from ptc_bench.tasks import get_task

    items = build_eval_items(
        get_task(task_name), split, window_chars=window_chars, variant=variant, tokenizer=tokenizer
    )
    return [TrainExample(item.prompt, item.target or EMPTY_ANSWER) for item in items]


def select_windows(
    examples: Sequence[TrainExample], *, max_empty_share: float, max_windows: int, seed: int
) -> list[TrainExample]:
    """A deterministic sub-sample, in the original order (see `select_indices`)."""
    keep = select_indices(
        [example.completion == EMPTY_ANSWER for example in examples],
        max_empty_share=max_empty_share,
        max_windows=max_windows,
        seed=seed,
    )
    return [examples[i] for i in keep]


def selection_summary(examples: Sequence[TrainExample], *, max_empty_share: float, max_windows: int) -> str:
    """'22 of 36 windows' (what training will keep of what it is given), or '36 windows' when all."""
    kept = len(select_windows(examples, max_empty_share=max_empty_share, max_windows=max_windows, seed=0))
    return f"{kept} of {len(examples)} windows" if kept < len(examples) else f"{len(examples)} windows"


def select_indices(
    is_empty: Sequence[bool], *, max_empty_share: float, max_windows: int, seed: int
) -> list[int]:
    """Indices kept, in order: empty windows capped to a share, then a count.

    `max_empty_share` s keeps every window with an answer and at most s / (1 - s) empty windows per
    answered one (all when s = 1); `max_windows` (-1: all) then keeps that many of the result.
    """
    rng = random.Random(seed)
    kept = list(range(len(is_empty)))
    empty = [i for i in kept if is_empty[i]]
    if max_empty_share < 1.0:
        answered = len(kept) - len(empty)
        allowed = math.floor(max_empty_share * answered / (1.0 - max_empty_share) + 1e-9)
        if allowed < len(empty):
            dropped = set(empty) - set(rng.sample(empty, allowed))
            kept = [i for i in kept if i not in dropped]
    if 0 < max_windows < len(kept):
        chosen = sorted(rng.sample(range(len(kept)), max_windows))
        kept = [kept[i] for i in chosen]
    return kept
