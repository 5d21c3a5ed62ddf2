"""Training pairs for a task: every window of the train data with its gold answer as the target."""

from __future__ import annotations

from pathlib import Path

from benchmark.train import TrainExample
from benchmark.types import SplitData


def build_train_examples(
    task_name: str,
    data_dir: str | Path | None,
    window_chars: int,
    variant: str = "instruction",
    *,
    tokenizer: object | None = None,
) -> tuple[list[TrainExample], list[TrainExample]]:
    """(train, validation) pairs from the release's train split and its deterministic validation part."""
    from benchmark.data import load_split, resolve_data_dir, validation_split
    from tasks import get_task

    task = get_task(task_name)
    source = resolve_data_dir(None if data_dir is None else str(data_dir))
    train, validation = validation_split(load_split(source.path, "train"))
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
    from benchmark.evaluate import build_eval_items
    from tasks import get_task

    items = build_eval_items(
        get_task(task_name), split, window_chars=window_chars, variant=variant, tokenizer=tokenizer
    )
    return [TrainExample(item.prompt, item.target or "{}") for item in items]
