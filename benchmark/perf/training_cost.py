"""Training cost of one epoch: our examples (completion-only loss, dynamic padding, length-grouped
batches) vs the notebook recipe (whole articles padded to a fixed length, full-sequence loss, batch 1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmark.perf.rows import INFO, PerfRow, Target, make_row
from benchmark.perf.token_counts import (
    SequenceTokens,
    TokenBudget,
    common_prefix_length,
    dynamic_padding_budget,
    fixed_padding_budget,
    length_grouped_order,
)
from benchmark.perf.train_timing import StepTiming
from benchmark.train import TrainExample
from core.types import SplitData

NOTEBOOK_MAX_LENGTH = 10_000
SECTION = "training"


@dataclass(frozen=True)
class TrainingCorpus:
    """Both recipes' sequences for the same training articles."""

    examples: tuple[TrainExample, ...]
    ours: tuple[SequenceTokens, ...]
    notebook_ids: tuple[tuple[int, ...], ...]  # one per article, untruncated, with BOS and EOS

    @property
    def notebook(self) -> tuple[SequenceTokens, ...]:
        """The notebook's sequences: every token carries loss (labels = input_ids)."""
        return tuple(SequenceTokens(len(ids), 0) for ids in self.notebook_ids)


def build_training_corpus(
    task_name: str, split: SplitData, tokenizer: Any, *, window_chars: int, max_seq_length: int
) -> TrainingCorpus:
    """Our windowed examples of `split` and the notebook's whole-article sequences, tokenised."""
    from benchmark.examples import split_examples
    from tasks import get_task

    examples = split_examples(task_name, split, window_chars, tokenizer=None)
    ours = [s.truncated(max_seq_length) for s in our_sequences(examples, tokenizer)]
    notebook = notebook_token_ids(get_task(task_name), split, tokenizer)
    return TrainingCorpus(tuple(examples), tuple(ours), tuple(tuple(ids) for ids in notebook))


def our_sequences(examples: Sequence[TrainExample], tokenizer: Any) -> list[SequenceTokens]:
    """As trl tokenises prompt/completion rows: prompt + completion + eos; loss from where they diverge."""
    eos = tokenizer.eos_token or ""
    prompts = tokenizer([e.prompt for e in examples])["input_ids"]
    full = tokenizer([e.prompt + e.completion + eos for e in examples])["input_ids"]
    return [
        SequenceTokens(len(ids), common_prefix_length(prompt, ids))
        for prompt, ids in zip(prompts, full, strict=True)
    ]


def notebook_token_ids(task: Any, split: SplitData, tokenizer: Any) -> list[list[int]]:
    """Each whole article in the instruction layout with its whole gold answer, BOS ... EOS."""
    from core.types import Window

    texts = []
    for article_id in sorted(split.articles):
        window = Window(article_id, 0, split.articles[article_id].text)
        gold = task.gold(split.gold(article_id)) if split.has_gold else ()
        prompt = task.render(window, gold)
        texts.append(prompt.to_text(None) + (prompt.completion or "{}") + "\n")
    encoded = tokenizer(texts)["input_ids"]
    eos = tokenizer.eos_token_id
    return [list(ids) + ([eos] if eos is not None else []) for ids in encoded]


def notebook_max_length(model_max_positions: int | None) -> int:
    """The notebook's 10,000 tokens, or the largest the model allows."""
    if model_max_positions is None:
        return NOTEBOOK_MAX_LENGTH
    return min(NOTEBOOK_MAX_LENGTH, model_max_positions)


def our_budget(corpus: TrainingCorpus, batch_size: int, seed: int) -> TokenBudget:
    """Our epoch: batches in the length-grouped order the trainer's sampler produces."""
    order = length_grouped_order([s.length for s in corpus.ours], batch_size, seed)
    return dynamic_padding_budget(corpus.ours, batch_size, order)


def training_cost_rows(
    corpus: TrainingCorpus,
    *,
    batch_size: int,
    seed: int,
    max_length: int,
    timing: tuple[StepTiming, StepTiming] | None,
) -> list[PerfRow]:
    """Processed and loss-bearing tokens (exact), and extrapolated epoch wall time when timed."""
    ours = our_budget(corpus, batch_size, seed)
    naive = fixed_padding_budget(corpus.notebook, max_length)
    n_truncated = sum(1 for s in corpus.notebook if s.length > max_length)
    n_empty = sum(1 for e in corpus.examples if e.completion.strip() == "{}")
    shape = (
        f"ours: {ours.n_sequences} windows ({n_empty} with answer {{}}), batch {batch_size}, "
        f"{ours.n_steps} steps, {ours.padding:,} padding; notebook: {naive.n_sequences} articles "
        f"padded to {max_length:,} ({n_truncated} truncated)"
    )
    rows = [
        make_row(
            SECTION,
            "processed tokens / epoch",
            ours=float(ours.processed),
            naive=float(naive.processed),
            unit="tokens",
            target=Target("ratio_at_least", 20),
            notes=f"exact count, padding included; {shape}",
        )
    ]
    if max_length < NOTEBOOK_MAX_LENGTH:
        full = fixed_padding_budget(corpus.notebook, NOTEBOOK_MAX_LENGTH)
        rows.append(
            make_row(
                SECTION,
                f"processed tokens / epoch, notebook at {NOTEBOOK_MAX_LENGTH:,}",
                ours=float(ours.processed),
                naive=float(full.processed),
                unit="tokens",
                target=Target("ratio_at_least", 20),
                notes=f"count only: the notebook's own max_length; this model allows {max_length:,}",
            )
        )
    rows.append(
        make_row(
            SECTION,
            "loss-bearing tokens / epoch",
            ours=float(ours.loss_bearing),
            naive=float(naive.loss_bearing),
            unit="tokens",
            target=INFO,
            notes="ours: the answer + eos only; notebook: prompt, article and answer (labels = input_ids)",
        )
    )
    rows.append(_wall_time_row(timing, ours, naive))
    return rows


def _wall_time_row(
    timing: tuple[StepTiming, StepTiming] | None, ours: TokenBudget, naive: TokenBudget
) -> PerfRow:
    """Epoch wall time extrapolated from the timed optimiser steps of each recipe."""
    target = Target("ratio_at_least", 10)
    if timing is None:
        from benchmark.perf.rows import skipped_row

        return skipped_row(SECTION, "wall time / epoch (CPU)", unit="s", target=target, notes="not timed")
    ours_timing, naive_timing = timing
    return make_row(
        SECTION,
        "wall time / epoch (CPU, extrapolated)",
        ours=ours_timing.seconds_per_step * ours.n_steps,
        naive=naive_timing.seconds_per_step * naive.n_steps,
        unit="s",
        target=target,
        notes=(
            f"extrapolated from {ours_timing.steps} timed steps (ours, "
            f"{ours_timing.seconds_per_step:.3g} s/step x {ours.n_steps}) and {naive_timing.steps} "
            f"(notebook, {naive_timing.seconds_per_step:.3g} s/step x {naive.n_steps}); "
            f"same model, LoRA config and optimiser; {ours_timing.detail}"
        ),
    )
