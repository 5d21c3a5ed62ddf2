"""Token budgets computed by hand: dynamic padding in batches vs fixed padding, loss-bearing counts."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.perf.token_counts import (
    SequenceTokens,
    common_prefix_length,
    dynamic_padding_budget,
    fixed_padding_budget,
)

# lengths 5, 3, 8, 2; loss from token 3, 1, 6, 0 -> loss-bearing 2, 2, 2, 2
SEQUENCES = [SequenceTokens(5, 3), SequenceTokens(3, 1), SequenceTokens(8, 6), SequenceTokens(2, 0)]


def test_dynamic_padding_pads_each_batch_to_its_longest() -> None:
    # order (2, 0) | (1, 3): batch 1 padded to 8 -> 16, batch 2 padded to 3 -> 6
    budget = dynamic_padding_budget(SEQUENCES, batch_size=2, order=[2, 0, 1, 3])
    assert budget.processed == 22
    assert budget.real == 18
    assert budget.padding == 4
    assert budget.loss_bearing == 8
    assert budget.n_steps == 2


def test_dynamic_padding_in_input_order_groups_differently() -> None:
    # (0, 1) -> 5 * 2 = 10, (2, 3) -> 8 * 2 = 16
    budget = dynamic_padding_budget(SEQUENCES, batch_size=2)
    assert budget.processed == 26
    assert budget.padding == 8


def test_last_batch_may_be_short() -> None:
    # (0, 1, 2) -> 8 * 3 = 24, (3,) -> 2
    budget = dynamic_padding_budget(SEQUENCES, batch_size=3)
    assert (budget.processed, budget.n_steps) == (26, 2)


def test_fixed_padding_counts_every_sequence_at_max_length() -> None:
    full = [SequenceTokens(s.length, 0) for s in SEQUENCES]
    budget = fixed_padding_budget(full, max_length=10)
    assert budget.processed == 40
    assert budget.real == 18
    assert budget.loss_bearing == 18  # labels = input_ids: every real token
    assert budget.n_steps == 4


def test_fixed_padding_truncates_long_sequences() -> None:
    budget = fixed_padding_budget([SequenceTokens(8, 0), SequenceTokens(3, 0)], max_length=4)
    assert (budget.processed, budget.real, budget.loss_bearing) == (8, 7, 7)


def test_truncation_cuts_the_loss_bearing_tail_first() -> None:
    assert SequenceTokens(10, 6).truncated(8).loss_bearing == 2
    assert SequenceTokens(10, 6).truncated(5).loss_bearing == 0


def test_order_must_be_a_permutation() -> None:
    with pytest.raises(ValueError, match="permutation"):
        dynamic_padding_budget(SEQUENCES, batch_size=2, order=[0, 0, 1, 2])


def test_common_prefix_length() -> None:
    assert common_prefix_length([1, 2, 3], [1, 2, 4, 5]) == 2
    assert common_prefix_length([1, 2], [1, 2, 3]) == 2
    assert common_prefix_length([], [1]) == 0
