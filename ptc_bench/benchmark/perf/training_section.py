"""The training section of `bench perf`: tokenise both recipes' data, time each configuration in a
fresh process, and build the cost and lever rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ptc_bench.benchmark.models.precision import native_bf16
from ptc_bench.benchmark.models.quant import Quantization
from ptc_bench.benchmark.perf.rows import PerfRow
from ptc_bench.benchmark.perf.train_timing import StepTiming, TimingJob, time_in_fresh_process
from ptc_bench.benchmark.perf.training_corpus import TrainingCorpus
from ptc_bench.benchmark.training.config import TrainConfig

Reporter = Callable[[str], None]

# The training settings of each preset before the performance work (issue 11, 2026-11-30) that this
# work changed; `bench perf` times that default against today's.
DEFAULTS_BEFORE: Mapping[str, Mapping[str, object]] = {}


@dataclass(frozen=True)
class TrainingSizes:
    """How much the training section times."""

    timed_windows: int  # windows per timed configuration of our recipe
    notebook_lengths: tuple[int, ...]  # padded lengths the notebook is timed at (one step each)
    lever_batch: int


def training_rows(
    *,
    model: str,
    model_path: str,
    task: str,
    train: Any,
    window_chars: int,
    max_positions: int | None,
    sizes: TrainingSizes,
    report: Reporter,
) -> list[PerfRow]:
    """Cost rows (tokens, wall time, memory) and lever rows for one model and task."""
    from ptc_bench.benchmark.approaches.generate import GenerateApproach
    from ptc_bench.benchmark.models.loading import load_tokenizer
    from ptc_bench.benchmark.models.quant import resolve_quantization
    from ptc_bench.benchmark.perf.generation_speed import spread_sample
    from ptc_bench.benchmark.perf.training_corpus import build_training_corpus
    from ptc_bench.benchmark.perf.training_cost import (
        NotebookTiming,
        TrainingTimings,
        notebook_max_length,
        training_cost_rows,
    )
    from ptc_bench.benchmark.perf.training_levers import LeverTimings, timed_lever_rows, token_lever_rows
    from ptc_bench.benchmark.training.config import load_train_config

    preset = GenerateApproach().training_preset(model)
    config = load_train_config(None, preset=preset)
    before = load_train_config(None, dict(DEFAULTS_BEFORE.get(model, {})), preset=preset)
    quantization = resolve_quantization("auto")
    tokenizer = load_tokenizer(model_path)
    max_length = notebook_max_length(max_positions)
    report(f"training: tokenising {len(train.articles)} train articles both ways")
    corpus = build_training_corpus(task, train, tokenizer, window_chars=window_chars)
    kept = corpus.kept(config.max_empty_share, config.seed)
    timed = spread_sample(kept, sizes.timed_windows)
    timed_short = _same_windows(timed, corpus)

    def job(
        examples: Sequence[Any], settings: TrainConfig, numerics: Quantization = quantization
    ) -> TimingJob:
        return TimingJob("ours", model_path, numerics, settings, tuple(examples))

    report(f"training: timing our default on {len(timed)} windows ({quantization}, fresh process)")
    ours = time_in_fresh_process(job(timed, config))
    before_timing = ours if _per_window_same(before, config) else time_in_fresh_process(job(timed, before))
    notebook: dict[int, StepTiming] = {}
    lengths = sorted({*sizes.notebook_lengths, *([max_length] if _cuda() else [])})
    for length in lengths:
        length = min(length, max_length)
        report(f"training: timing one notebook step padded to {length:,} tokens")
        notebook[length] = time_in_fresh_process(
            TimingJob(
                "notebook",
                model_path,
                quantization,
                config,
                token_ids=(corpus.notebook_ids[0],),
                max_length=length,
            )
        )
    timings = TrainingTimings(ours, before_timing, NotebookTiming(notebook, max_length))
    other_batch = sizes.lever_batch if config.per_device_batch_size == 1 else 1
    others = _time_levers(job, timed, timed_short, config, quantization, other_batch, report)
    rows = training_cost_rows(corpus, config=config, before=before, max_length=max_length, timings=timings)
    rows += token_lever_rows(corpus, config)
    rows += timed_lever_rows(LeverTimings(ours, others), config, other_batch)
    return rows


def _time_levers(
    job: Callable[..., TimingJob],
    timed: Sequence[Any],
    timed_short: Sequence[Any],
    config: TrainConfig,
    quantization: Quantization,
    other_batch: int,
    report: Reporter,
) -> dict[str, StepTiming | str]:
    """Each alternative to the default, timed on the same windows (or why it was not)."""
    others: dict[str, StepTiming | str] = {}
    alternatives: dict[str, TimingJob] = {}
    if quantization == "none":
        alternatives["4bit"] = job(timed, config, "4bit")
    if _cuda():
        others["bf16"] = "not timed: a CPU lever (on CUDA the recipe already computes in bf16)"
    elif native_bf16():
        alternatives["bf16"] = replace(job(timed, config), bf16_autocast=True)
    else:
        others["bf16"] = (
            "not timed: this CPU has no native bf16 (no avx512_bf16 or amx_bf16 flag), where bf16 autocast "
            "is many times slower than fp32 (README, 'Which path runs where')"
        )
    alternatives["checkpointing"] = job(
        timed, replace(config, gradient_checkpointing=not config.gradient_checkpointing)
    )
    whole_batches = timed[: max(other_batch, len(timed) // other_batch * other_batch)]
    alternatives["batch"] = job(whole_batches, replace(config, per_device_batch_size=other_batch))
    alternatives["short-prompt"] = job(timed_short, config)
    for key, alternative in alternatives.items():
        report(f"training: timing the lever {key} on {len(alternative.examples)} windows")
        others[key] = time_in_fresh_process(alternative)
    return others


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def _same_windows(timed: Sequence[Any], corpus: TrainingCorpus) -> list[Any]:
    """The short-prompt twins of the timed windows."""
    index = {example: i for i, example in enumerate(corpus.examples)}
    return [corpus.short_examples[index[example]] for example in timed]


def _per_window_same(before: TrainConfig, now: TrainConfig) -> bool:
    """True when the two configurations differ only in which windows they keep."""
    return (
        replace(before, max_empty_share=now.max_empty_share, max_train_windows=now.max_train_windows) == now
    )
