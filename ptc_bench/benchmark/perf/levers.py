"""Do the training-data levers cost quality? Validation loss and validation F1 per variant.

    python -m benchmark.perf.levers --model smollm2-135m --data-dir ../shared/ptc \
        [--variants share-0.3,share-0.1,short-prompt] [--answered 100] [--eval-windows 48]

Each variant trains one adapter with the model's preset on the same `--answered` training windows
that have an answer, plus empty windows (`{}`) up to the variant's share, then reports the eval
loss on `--eval-windows` windows of the validation part of train (their natural share of empty
windows) and the SI F1 of its greedy answers on those windows. `short-prompt` replaces the
~150-token instruction by one line naming the technique, in training and in evaluation (the
adapter's own prompt); the others use the task's prompt. One JSON line per variant; the README's
"Training levers" table comes from this script. Nothing here touches the dev split.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.training.examples import EMPTY_ANSWER, TrainExample

DEFAULT_VARIANTS = ("share-0.3", "share-0.1", "short-prompt")


@dataclass(frozen=True)
class Variant:
    """A training-data lever setting: the share of empty windows and which instruction."""

    name: str
    empty_share: float
    short_prompt: bool


def parse_variant(name: str, default_share: float) -> Variant:
    """`share-S` (empty share S, full prompt) or `short-prompt` (the preset's share, one-line prompt)."""
    if name == "short-prompt":
        return Variant(name, default_share, True)
    if name.startswith("share-"):
        share = float(name.removeprefix("share-"))
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"empty share must be in [0, 1], got {share}")
        return Variant(name, share, False)
    raise ValueError(f"unknown variant {name!r}: share-S or short-prompt")


def short_instruction(task: Any) -> str:
    """One line in place of the instruction: the technique's label and the answer format."""
    return f"List the {task.labels[0]} phrases of the text as JSON."


def shorten(prompt: str, instruction: str, short: str) -> str:
    """The prompt with its instruction replaced by `short` (the instruction opens the prompt)."""
    at = prompt.find(instruction)
    if at < 0:
        raise ValueError("the prompt does not contain the task's instruction")
    return prompt[:at] + short + prompt[at + len(instruction) :]


def training_windows(
    examples: Sequence[TrainExample], *, answered: int, empty_share: float, seed: int
) -> list[TrainExample]:
    """`answered` windows with an answer and share/(1-share) as many empty ones, seeded, in order.

    The answered windows are the same for every share (the first `answered` of one seeded shuffle),
    so variants differ only in their empty windows.
    """
    with_answer = [i for i, e in enumerate(examples) if e.completion != EMPTY_ANSWER]
    empty = [i for i, e in enumerate(examples) if e.completion == EMPTY_ANSWER]
    rng = random.Random(seed)
    rng.shuffle(with_answer)
    rng.shuffle(empty)
    n_empty = len(empty) if empty_share >= 1.0 else int(empty_share * answered / (1.0 - empty_share) + 1e-9)
    kept = sorted(with_answer[:answered] + empty[:n_empty])
    return [examples[i] for i in kept]


def measure(args: argparse.Namespace, variant: Variant) -> dict[str, Any]:
    """Train the variant's adapter, then its validation loss and F1 (runs in the current process)."""
    from ptc_bench.benchmark.approaches.generate import GenerateApproach
    from ptc_bench.benchmark.data import load_train_and_validation, resolve_data_dir
    from ptc_bench.benchmark.evaluation.evaluate import build_eval_items, evaluate_completions
    from ptc_bench.benchmark.generation.generate import GenSettings, generate_completions
    from ptc_bench.benchmark.models.catalogue import resolve_model
    from ptc_bench.benchmark.models.loading import load_adapter, load_model
    from ptc_bench.benchmark.models.quant import resolve_quantization
    from ptc_bench.benchmark.perf.generation_speed import spread_sample
    from ptc_bench.benchmark.training.config import load_train_config
    from ptc_bench.benchmark.training.train import train_adapter
    from ptc_bench.metrics.semeval import score_si
    from ptc_bench.tasks import get_task

    task = get_task(args.task)
    model_path = resolve_model(args.model).path
    quantization = resolve_quantization("auto")
    config = load_train_config(None, preset=GenerateApproach().training_preset(args.model))
    config = replace(config, max_empty_share=1.0, max_train_windows=-1, max_eval_windows=-1)
    source = resolve_data_dir(args.data_dir)
    train_split, validation = load_train_and_validation(source.path)
    train_items = build_eval_items(task, train_split, window_chars=args.window_chars)
    validation_items = build_eval_items(task, validation, window_chars=args.window_chars)
    items = spread_sample(validation_items, args.eval_windows)
    short = short_instruction(task)

    def prompt_of(text: str) -> str:
        return shorten(text, task.instruction(), short) if variant.short_prompt else text

    examples = [TrainExample(prompt_of(i.prompt), i.target or EMPTY_ANSWER) for i in train_items]
    chosen = training_windows(
        examples, answered=args.answered, empty_share=variant.empty_share, seed=config.seed
    )
    eval_examples = [TrainExample(prompt_of(i.prompt), i.target or EMPTY_ANSWER) for i in items]
    with tempfile.TemporaryDirectory(prefix="levers-") as folder:
        started = time.perf_counter()
        result = train_adapter(
            chosen,
            eval_examples,
            model_id=model_path,
            quantization=quantization,
            config=config,
            output_dir=Path(folder),
            resume=False,
            progress=False,
        )
        train_seconds = time.perf_counter() - started
        loaded = load_model(model_path, quantization=quantization)
        adapted = load_adapter(loaded, result.adapter_dir)
        started = time.perf_counter()
        completions = generate_completions(
            adapted,
            loaded.tokenizer,
            [prompt_of(i.prompt) for i in items],
            GenSettings(max_new_tokens=task.max_new_tokens),
            cache=None,
            model_key="levers",
            progress=False,
        )
        generate_seconds = time.perf_counter() - started
    outcome = evaluate_completions(task, items, [c.text for c in completions], system="adapted")
    gold: dict[str, list[Any]] = {}
    for item in items:
        gold.setdefault(item.window.article_id, []).extend(item.gold)
    predicted = {article: list(outcome.predictions.get(article, ())) for article in gold}
    si = score_si(predicted, gold)
    tokens = result.manifest.details["tokens"]
    return {
        "variant": variant.name,
        "empty_share": variant.empty_share,
        "short_prompt": variant.short_prompt,
        "n_train": len(chosen),
        "n_train_empty": sum(1 for e in chosen if e.completion == EMPTY_ANSWER),
        "train_tokens": tokens["per_epoch_total"],
        "train_steps": result.global_step,
        "train_seconds": round(train_seconds, 1),
        "train_loss": result.train_loss,
        "eval_windows": len(items),
        "eval_loss": result.eval_loss,
        "si_f1": si.f1,
        "si_precision": si.precision,
        "si_recall": si.recall,
        "json_validity": outcome.json_validity,
        "n_phrases": outcome.n_phrases,
        "generate_seconds": round(generate_seconds, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each variant in turn and print one JSON line per variant."""
    from ptc_bench.benchmark.approaches.generate import GenerateApproach

    parser = argparse.ArgumentParser(prog="python -m benchmark.perf.levers")
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--task", default="name-calling")
    parser.add_argument("--variants", default=",".join(DEFAULT_VARIANTS))
    parser.add_argument("--answered", type=int, default=100)
    parser.add_argument("--eval-windows", type=int, default=48)
    parser.add_argument("--window-chars", type=int, default=1200)
    args = parser.parse_args(argv)
    default_share = float(str(GenerateApproach().training_preset(args.model).get("max_empty_share", 1.0)))
    try:
        variants = [parse_variant(name, default_share) for name in args.variants.split(",")]
    except ValueError as error:
        parser.error(str(error))
    for variant in variants:
        print(json.dumps(measure(args, variant)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
