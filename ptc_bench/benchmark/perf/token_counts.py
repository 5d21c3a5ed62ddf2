"""Exact token budgets of one training epoch: dynamic padding in batches vs fixed-length padding.

A sequence is `length` tokens of which those from `loss_start` on carry loss (completion-only
training: the answer; full-sequence training: `loss_start = 0`). Counts are pure arithmetic on the
tokenised lengths, so they are exact for the whole epoch without training anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SequenceTokens:
    """One training sequence: its token count and the index of its first loss-bearing token."""

    length: int
    loss_start: int = 0

    @property
    def loss_bearing(self) -> int:
        """Tokens whose labels count in the loss."""
        return max(0, self.length - self.loss_start)

    def truncated(self, max_length: int) -> SequenceTokens:
        """The sequence cut to its first `max_length` tokens (truncation keeps the start)."""
        return SequenceTokens(min(self.length, max_length), self.loss_start)


@dataclass(frozen=True)
class TokenBudget:
    """What one epoch processes: tokens through the model (padding included), real and loss-bearing."""

    processed: int
    real: int
    loss_bearing: int
    n_sequences: int
    n_steps: int

    @property
    def padding(self) -> int:
        """Padding tokens processed."""
        return self.processed - self.real


def dynamic_padding_budget(
    sequences: Sequence[SequenceTokens], batch_size: int, order: Sequence[int] | None = None
) -> TokenBudget:
    """Batches of `batch_size` consecutive sequences of `order`, each padded to its longest member."""
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, got {batch_size}")
    indices = list(range(len(sequences))) if order is None else list(order)
    if sorted(indices) != list(range(len(sequences))):
        raise ValueError("order must be a permutation of the sequence indices")
    processed = 0
    n_steps = 0
    for start in range(0, len(indices), batch_size):
        batch = [sequences[i] for i in indices[start : start + batch_size]]
        processed += max(s.length for s in batch) * len(batch)
        n_steps += 1
    return TokenBudget(
        processed=processed,
        real=sum(s.length for s in sequences),
        loss_bearing=sum(s.loss_bearing for s in sequences),
        n_sequences=len(sequences),
        n_steps=n_steps,
    )


def fixed_padding_budget(sequences: Sequence[SequenceTokens], max_length: int) -> TokenBudget:
    """Every sequence truncated and padded to `max_length`, batch size 1 (the notebook recipe)."""
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, got {max_length}")
    cut = [s.truncated(max_length) for s in sequences]
    return TokenBudget(
        processed=max_length * len(cut),
        real=sum(s.length for s in cut),
        loss_bearing=sum(s.loss_bearing for s in cut),
        n_sequences=len(cut),
        n_steps=len(cut),
    )


def length_grouped_order(lengths: Sequence[int], batch_size: int, seed: int) -> list[int]:
    """The order transformers' length-grouped sampler gives (mega-batches sorted by length), seeded."""
    import torch
    from transformers.trainer_pt_utils import get_length_grouped_indices

    generator = torch.Generator().manual_seed(seed)
    return [int(i) for i in get_length_grouped_indices(list(lengths), batch_size, generator=generator)]


def common_prefix_length(first: Sequence[int], second: Sequence[int]) -> int:
    """Number of leading tokens two sequences share (where trl starts the completion)."""
    count = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        count += 1
    return count
