"""Training-window selection: the empty-answer share and the deterministic sub-sample."""

from __future__ import annotations

from ptc_bench.benchmark.training.examples import (
    EMPTY_ANSWER,
    TrainExample,
    select_windows,
    selection_summary,
)


def _examples(answered: int, empty: int) -> list[TrainExample]:
    rows = [TrainExample(f"a{i}", '{"x": "L"}') for i in range(answered)]
    rows += [TrainExample(f"e{i}", EMPTY_ANSWER) for i in range(empty)]
    return sorted(rows, key=lambda e: e.prompt[1:].zfill(3))  # interleave the two kinds


def test_empty_share_keeps_every_answer_and_caps_the_empty_windows() -> None:
    examples = _examples(answered=10, empty=30)
    kept = select_windows(examples, max_empty_share=0.3, max_windows=-1, seed=0)
    empty = [e for e in kept if e.completion == EMPTY_ANSWER]
    assert len(kept) - len(empty) == 10
    assert len(empty) == 4  # floor(0.3 * 10 / 0.7) = floor(4.29): 4 of 14 windows are empty (29 %)
    assert [e for e in examples if e in kept] == kept  # original order


def test_share_one_keeps_all_and_zero_drops_every_empty_window() -> None:
    examples = _examples(answered=5, empty=7)
    assert select_windows(examples, max_empty_share=1.0, max_windows=-1, seed=0) == examples
    kept = select_windows(examples, max_empty_share=0.0, max_windows=-1, seed=0)
    assert len(kept) == 5 and all(e.completion != EMPTY_ANSWER for e in kept)


def test_share_already_met_changes_nothing() -> None:
    examples = _examples(answered=9, empty=1)
    assert select_windows(examples, max_empty_share=0.3, max_windows=-1, seed=3) == examples


def test_sub_sample_is_deterministic_by_seed_and_sized() -> None:
    examples = _examples(answered=20, empty=20)
    first = select_windows(examples, max_empty_share=1.0, max_windows=7, seed=1)
    assert len(first) == 7
    assert first == select_windows(examples, max_empty_share=1.0, max_windows=7, seed=1)
    assert first != select_windows(examples, max_empty_share=1.0, max_windows=7, seed=2)
    assert select_windows(examples, max_empty_share=1.0, max_windows=100, seed=1) == examples


def test_the_status_line_counts_the_windows_training_keeps() -> None:
    examples = _examples(answered=10, empty=30)  # the main job: 22 of 36 was shown as "36 windows"
    assert selection_summary(examples, max_empty_share=0.0, max_windows=-1) == "10 of 40 windows"
    assert selection_summary(examples, max_empty_share=0.3, max_windows=-1) == "14 of 40 windows"
    assert selection_summary(examples, max_empty_share=1.0, max_windows=-1) == "40 windows"
    assert selection_summary(examples, max_empty_share=1.0, max_windows=8) == "8 of 40 windows"
