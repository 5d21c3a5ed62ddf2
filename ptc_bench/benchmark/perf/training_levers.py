"""What each training lever buys, one row each, named "A vs B": `ours` is A, `naive` is B, so the
ratio is what A buys over B. Token rows are exact counts over the epoch; `s / window` rows are timed
on the same windows, each configuration in a fresh process."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ptc_bench.benchmark.perf.rows import PerfRow, make_row, skipped_row
from ptc_bench.benchmark.perf.token_counts import dynamic_padding_budget
from ptc_bench.benchmark.perf.train_timing import StepTiming
from ptc_bench.benchmark.perf.training_corpus import TrainingCorpus
from ptc_bench.benchmark.perf.training_cost import our_budget
from ptc_bench.benchmark.training.config import TrainConfig

SECTION = "training levers"
LEVER_BATCH = 8  # the batch size the padding levers are counted at
PADDING_FREE_NOTE = (
    "not used: trl's padding_free packs windows with position ids, which only flash attention keeps apart; "
    "sdpa and eager attention (CPU) would let packed windows attend to each other, and the CPU default "
    "(batch 1) has no padding to remove"
)


@dataclass(frozen=True)
class LeverTimings:
    """Timed alternatives to the default, by lever name (absent: not timed; str: why not)."""

    default: StepTiming
    others: Mapping[str, StepTiming | str]


def token_lever_rows(corpus: TrainingCorpus, config: TrainConfig) -> list[PerfRow]:
    """Empty-window share, one-line prompt, length grouping and packing: exact tokens per epoch."""
    seed, max_len = config.seed, config.max_seq_length
    kept = corpus.sequences(corpus.kept(config.max_empty_share, seed), max_len)
    every = corpus.sequences(list(corpus.examples), max_len)
    short = corpus.sequences(corpus.kept(config.max_empty_share, seed, short=True), max_len)

    grouped = our_budget(kept, LEVER_BATCH, seed)
    in_order = dynamic_padding_budget(kept, LEVER_BATCH)
    share = config.max_empty_share
    return [
        make_row(
            SECTION,
            f"empty windows capped at {share:g} vs all kept (tokens / epoch)",
            ours=float(sum(s.length for s in kept)),
            naive=float(sum(s.length for s in every)),
            unit="tokens",
            notes=(
                f"{len(kept)} of {len(every)} windows ({corpus.n_empty} answer {{}}); every answered window "
                "kept; its effect on validation loss and F1: README, 'Training levers'"
            ),
        ),
        make_row(
            SECTION,
            "one-line training prompt vs the task's instruction (tokens / epoch)",
            ours=float(sum(s.length for s in short)),
            naive=float(sum(s.length for s in kept)),
            unit="tokens",
            notes=(
                f"the {corpus.instruction_tokens}-token instruction replaced by one line on every window; "
                "not the default (README, 'Training levers')"
            ),
        ),
        make_row(
            SECTION,
            f"length-grouped vs data-order batches of {LEVER_BATCH} (tokens / epoch)",
            ours=float(grouped.processed),
            naive=float(in_order.processed),
            unit="tokens",
            notes=f"padding {grouped.padding:,} vs {in_order.padding:,} tokens; the trainer's sampler",
        ),
        make_row(
            SECTION,
            f"padding-free packing vs length-grouped batches of {LEVER_BATCH} (tokens / epoch)",
            ours=float(grouped.real),
            naive=float(grouped.processed),
            unit="tokens",
            notes=PADDING_FREE_NOTE,
        ),
    ]


LEVER_NAMES = {
    "4bit": "fp32 vs 4-bit NF4 (s / window)",
    "bf16": "fp32 vs bf16 autocast (s / window)",
    "checkpointing": "gradient checkpointing off vs on (s / window)",
    "batch": "batch {default_batch} vs batch {other_batch}, length-grouped (s / window)",
    "short-prompt": "one-line training prompt vs the task's instruction (s / window)",
}


def timed_lever_rows(timings: LeverTimings, config: TrainConfig, other_batch: int) -> list[PerfRow]:
    """One row per timed alternative: seconds per window, the default's path against it."""
    rows = []
    default = timings.default
    for key, template in LEVER_NAMES.items():
        name = template.format(default_batch=config.per_device_batch_size, other_batch=other_batch)
        other = timings.others.get(key)
        if other is None:
            continue
        if isinstance(other, str):
            rows.append(skipped_row(SECTION, name, unit="s", notes=other))
            continue
        ours, naive = (other, default) if key == "short-prompt" else (default, other)
        rows.append(
            make_row(
                SECTION,
                name,
                ours=ours.seconds_per_window,
                naive=naive.seconds_per_window,
                unit="s",
                notes=(
                    f"the same {default.windows} windows; {ours.detail} vs {naive.detail}; peak RSS "
                    f"{_mib(ours.peak_rss_bytes)} vs {_mib(naive.peak_rss_bytes)} MiB"
                    + ("; not the default" if key == "short-prompt" else "")
                ),
            )
        )
    return rows


def _mib(value: int | None) -> str:
    return "?" if value is None else f"{value / 1024 / 1024:,.0f}"
