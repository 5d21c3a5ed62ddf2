"""The validation study's helpers: which windows each variant trains on, and the one-line prompt."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.perf.levers import parse_variant, short_instruction, shorten, training_windows
from ptc_bench.benchmark.training.examples import TrainExample
from ptc_bench.core.types import Window
from ptc_bench.tasks import get_task


def examples() -> list[TrainExample]:
    """Ten windows: 0, 3, 6, 9 answered, the six others empty."""
    return [TrainExample(f"w{i}", '{"x": "y"}' if i % 3 == 0 else "{}") for i in range(10)]


def test_every_share_keeps_the_same_answered_windows() -> None:
    chosen = {
        share: training_windows(examples(), answered=2, empty_share=share, seed=7)
        for share in (0.0, 0.5, 0.75)
    }
    answered = {share: [e for e in kept if e.completion != "{}"] for share, kept in chosen.items()}
    assert answered[0.0] == answered[0.5] == answered[0.75] and len(answered[0.0]) == 2
    assert [len(kept) - 2 for kept in chosen.values()] == [0, 2, 6]  # share / (1 - share) x 2 empties
    order = [int(e.prompt[1:]) for e in chosen[0.75]]
    assert order == sorted(order)


def test_share_one_keeps_every_empty_window() -> None:
    kept = training_windows(examples(), answered=4, empty_share=1.0, seed=0)
    assert len(kept) == 10


def test_short_prompt_replaces_the_instruction_only() -> None:
    task = get_task("name-calling")
    prompt = task.render(Window("a1", 0, "They are traitors.")).to_text(None)
    short = shorten(prompt, task.instruction(), short_instruction(task))
    assert short == prompt.replace(
        task.instruction(), "List the Name_Calling,Labeling phrases of the text as JSON."
    )
    assert short.endswith("They are traitors.\n\n### Output:\n") and len(short) < len(prompt) / 3
    with pytest.raises(ValueError, match="instruction"):
        shorten("no instruction here", task.instruction(), "x")


@pytest.mark.parametrize(("name", "share", "short"), [("share-0.1", 0.1, False), ("short-prompt", 0.3, True)])
def test_variant_names(name: str, share: float, short: bool) -> None:
    variant = parse_variant(name, default_share=0.3)
    assert (variant.empty_share, variant.short_prompt) == (share, short)


@pytest.mark.parametrize("name", ["share-1.5", "shorter", "share-x"])
def test_bad_variant_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        parse_variant(name, default_share=0.3)
