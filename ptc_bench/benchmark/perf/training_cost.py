"""Training cost of one epoch: our recipe (windows, completion-only loss, the default's share of empty
windows) vs the notebook recipe (whole articles padded to a fixed length, full-sequence loss, batch
1), and vs our default path before the performance work. Token counts are exact; wall times are
extrapolated from timed steps of each recipe."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ptc_bench.benchmark.perf.rows import PerfRow, Target, make_row, skipped_row
from ptc_bench.benchmark.perf.token_counts import (
    SequenceTokens,
    TokenBudget,
    dynamic_padding_budget,
    fixed_padding_budget,
    length_grouped_order,
)
from ptc_bench.benchmark.perf.train_timing import StepTiming
from ptc_bench.benchmark.perf.training_corpus import TrainingCorpus
from ptc_bench.benchmark.training.config import TrainConfig

NOTEBOOK_MAX_LENGTH = 10_000
SECTION = "training"
MIB = 1024 * 1024


@dataclass(frozen=True)
class NotebookTiming:
    """Notebook steps timed at one or more padded lengths; the step time at `max_length` from them."""

    by_length: Mapping[int, StepTiming]
    max_length: int

    def seconds_per_step(self) -> tuple[float, str]:
        """Measured at `max_length` when timed there, else t(L) = a*L + b*L^2 through the two longest
        timed lengths (b >= 0: attention grows with the square of the length), with how it was got."""
        if self.max_length in self.by_length:
            timing = self.by_length[self.max_length]
            return timing.seconds_per_step, f"timed at {self.max_length:,} ({timing.steps} steps)"
        lengths = sorted(self.by_length)[-2:]
        if len(lengths) == 1:
            (length,) = lengths
            per_step = self.by_length[length].seconds_per_step * self.max_length / length
            return per_step, f"scaled linearly from {length:,} (a lower bound: attention is quadratic)"
        (l1, l2) = lengths
        t1, t2 = (self.by_length[length].seconds_per_step for length in lengths)
        b = max(0.0, (t2 / l2 - t1 / l1) / (l2 - l1))
        a = t1 / l1 - b * l1
        per_step = a * self.max_length + b * self.max_length**2
        how = (
            f"t(L) = a L + b L^2 through steps timed at {l1:,} ({t1:.3g} s) and {l2:,} ({t2:.3g} s), "
            f"extrapolated to {self.max_length:,}"
        )
        return per_step, how

    @property
    def peak_rss_bytes(self) -> int | None:
        """Peak RSS of the longest timed length."""
        return self.by_length[max(self.by_length)].peak_rss_bytes


@dataclass(frozen=True)
class TrainingTimings:
    """Timed steps of our default recipe, of the default before this work, and of the notebook."""

    ours: StepTiming
    before: StepTiming
    notebook: NotebookTiming


def our_budget(sequences: Sequence[SequenceTokens], batch_size: int, seed: int) -> TokenBudget:
    """One epoch in the length-grouped order the trainer's sampler produces."""
    order = length_grouped_order([s.length for s in sequences], batch_size, seed)
    return dynamic_padding_budget(sequences, batch_size, order)


def notebook_max_length(model_max_positions: int | None) -> int:
    """The notebook's 10,000 tokens, or the largest the model allows."""
    if model_max_positions is None:
        return NOTEBOOK_MAX_LENGTH
    return min(NOTEBOOK_MAX_LENGTH, model_max_positions)


def training_cost_rows(
    corpus: TrainingCorpus,
    *,
    config: TrainConfig,
    before: TrainConfig,
    max_length: int,
    timings: TrainingTimings | None,
) -> list[PerfRow]:
    """Processed, loss-bearing and minimum tokens (exact); epoch wall time and peak memory when timed."""
    kept = corpus.kept(config.max_empty_share, config.seed)
    ours = our_budget(
        corpus.sequences(kept, config.max_seq_length), config.per_device_batch_size, config.seed
    )
    naive = fixed_padding_budget(corpus.notebook, max_length)
    n_truncated = sum(1 for s in corpus.notebook if s.length > max_length)
    n_empty = sum(1 for e in kept if e.completion == "{}")
    shape = (
        f"ours: {ours.n_sequences} of {len(corpus.examples)} windows ({n_empty} with answer {{}}; "
        f"empty share cap {config.max_empty_share:g}), batch {config.per_device_batch_size}, {ours.n_steps} "
        f"steps, {ours.padding:,} padding; notebook: {naive.n_sequences} articles padded to {max_length:,} "
        f"({n_truncated} truncated)"
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
    minimum = corpus.minimum_tokens()
    rows += [
        make_row(
            SECTION,
            "loss-bearing tokens / epoch",
            ours=float(ours.loss_bearing),
            naive=float(naive.loss_bearing),
            unit="tokens",
            notes="ours: the answer + eos only; notebook: prompt, article and answer (labels = input_ids)",
        ),
        make_row(
            SECTION,
            "minimum possible tokens / epoch",
            ours=float(minimum),
            naive=float(naive.processed),
            unit="tokens",
            notes=(
                f"every training window's text and answer once, the instruction once: the ceiling of any "
                f"recipe's ratio; ours processes {ours.processed / minimum:.2f}x this minimum"
            ),
        ),
    ]
    rows += _wall_time_rows(corpus, config, before, ours, naive, timings)
    return rows


def _wall_time_rows(
    corpus: TrainingCorpus,
    config: TrainConfig,
    before: TrainConfig,
    ours: TokenBudget,
    naive: TokenBudget,
    timings: TrainingTimings | None,
) -> list[PerfRow]:
    """Epoch wall time against the notebook and against the default before this work; peak memory."""
    names = ("wall time / epoch vs notebook (extrapolated)", "wall time / epoch vs default before")
    targets = (Target("ratio_at_least", 10), Target("ratio_at_least", 3))
    if timings is None:
        return [
            skipped_row(SECTION, n, unit="s", target=t, notes="not timed")
            for n, t in zip(names, targets, strict=True)
        ]
    ours_epoch = timings.ours.seconds_per_window * ours.n_sequences
    notebook_step, how = timings.notebook.seconds_per_step()
    n_before = len(corpus.kept(before.max_empty_share, before.seed))
    before_epoch = timings.before.seconds_per_window * n_before
    same = timings.before is timings.ours
    rows = [
        make_row(
            SECTION,
            names[0],
            ours=ours_epoch,
            naive=notebook_step * naive.n_steps,
            unit="s",
            target=targets[0],
            notes=(
                f"ours: {timings.ours.seconds_per_window:.3g} s/window over {timings.ours.windows} timed "
                f"windows x {ours.n_sequences} windows ({timings.ours.detail}); notebook: "
                f"{notebook_step:.3g} s/step ({how}) x {naive.n_steps} articles; same model, numerics, "
                "LoRA and optimiser"
            ),
        ),
        make_row(
            SECTION,
            names[1],
            ours=ours_epoch,
            naive=before_epoch,
            unit="s",
            target=targets[1],
            notes=(
                f"before: {_differences(before, config)}; {n_before} windows x "
                f"{timings.before.seconds_per_window:.3g} s/window"
                + (
                    " (the same per-window recipe, so the same timing)"
                    if same
                    else f" ({timings.before.detail})"
                )
            ),
        ),
    ]
    notebook_peak = timings.notebook.peak_rss_bytes
    if timings.ours.peak_rss_bytes and notebook_peak:
        rows.append(
            make_row(
                SECTION,
                "peak memory, training process",
                ours=timings.ours.peak_rss_bytes / MIB,
                naive=notebook_peak / MIB,
                unit="MiB",
                notes=(
                    f"peak RSS of each timing process; notebook at {max(timings.notebook.by_length):,} tokens"
                ),
            )
        )
    return rows


def _differences(before: TrainConfig, now: TrainConfig) -> str:
    """`field a -> b` for every training setting that changed."""
    old, new = before.to_dict(), now.to_dict()
    changed = [f"{name} {old[name]} -> {new[name]}" for name in old if old[name] != new[name]]
    return ", ".join(changed) if changed else "no setting changed"
