"""JSON-closed stopping: the tracker on strings, the criterion on tensors, and forced generations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ptc_bench.benchmark.generation.generate import GenSettings, generate_completions
from ptc_bench.benchmark.generation.stopping import JsonCloseTracker, JsonStopCriteria, cut_at_json_close
from tests.benchmark.generation_helpers import (
    build_model,
    build_tokenizer,
    force_tokens,
    single_threaded_torch,
)


def json_close_end(text: str) -> int | None:
    """Index just after the bracket that closes the first top-level JSON value of `text`, or None."""
    tracker = JsonCloseTracker()
    tracker.feed(text)
    return tracker.close_end


@pytest.mark.parametrize(
    ("text", "expected_end"),
    [
        ('{"a": "b"} trailing', 10),
        ('Answer: {"a": {"b": [1, 2]}} more {"c": 1}', 28),
        ('{"brace } in string": "x"}', 26),
        ('{"quote \\" and } brace": "y"}', 29),
        ('{"backslash at end \\\\": "z"}', 28),
        ('[{"phrase": "p", "technique": "T"}] and then', 35),
        ("[] x", 2),
        ('{"open": [1, 2', None),
        ("no json at all", None),
        ('{"unterminated string }', None),
    ],
)
def test_json_close_end_finds_the_closing_bracket(text: str, expected_end: int | None) -> None:
    assert json_close_end(text) == expected_end
    if expected_end is not None:
        assert text[expected_end - 1] in "}]"


def test_tracker_is_incremental_across_chunk_boundaries() -> None:
    text = '{"k\\"}": ["}", {"x": 1}]} tail'
    tracker = JsonCloseTracker()
    results = [tracker.feed(char) for char in text]
    close_at = results.index(True)
    assert text[: close_at + 1] == '{"k\\"}": ["}", {"x": 1}]}'
    assert tracker.close_end == close_at + 1
    assert all(results[close_at:])


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    return build_tokenizer()


def _run_criterion_stepwise(tokenizer: Any, new_rows: list[list[int]]) -> JsonStopCriteria:
    """Feed the criterion one new token per step, as `generate` does (finished rows get pad)."""
    import torch

    prompt = tokenizer.encode("Answer:", add_special_tokens=False)
    criteria = JsonStopCriteria(tokenizer, len(prompt), [tokenizer.eos_token_id], len(new_rows))
    width = max(len(row) for row in new_rows)
    padded = [row + [tokenizer.pad_token_id] * (width - len(row)) for row in new_rows]
    for step in range(1, width + 1):
        done = criteria(torch.tensor([prompt + row[:step] for row in padded]), None)
    assert done.tolist() == [reason is not None for reason in criteria.reasons]
    return criteria


def test_criterion_marks_rows_independently(tokenizer: Any) -> None:
    closed = tokenizer.encode('{"a": "}"} then more', add_special_tokens=False)
    with_eos = [*tokenizer.encode("hello", add_special_tokens=False), tokenizer.eos_token_id]
    still_open = tokenizer.encode('x {"a": "}', add_special_tokens=False)
    criteria = _run_criterion_stepwise(tokenizer, [closed, with_eos, still_open])
    assert criteria.reasons == ["json_closed", "eos", None]
    n_answer = len(tokenizer.encode('{"a": "}"}', add_special_tokens=False))
    assert criteria.outcome(0, len(closed)) == ("json_closed", n_answer)
    assert criteria.outcome(1, len(closed)) == ("eos", len(with_eos) - 1)
    assert criteria.outcome(2, len(still_open)) == ("max_new_tokens", len(still_open))


def test_cut_after_generation_agrees_with_the_criterion_during_it(tokenizer: Any) -> None:
    """vLLM and endpoints return whole sequences: the cut must be where `hf` would have stopped."""
    rows = [
        tokenizer.encode('{"a": "}"} then more', add_special_tokens=False),
        [*tokenizer.encode("hello", add_special_tokens=False), tokenizer.eos_token_id, 5, 6],
        tokenizer.encode('x {"a": "}', add_special_tokens=False),
        tokenizer.encode('[{"p": "q"}]', add_special_tokens=False),
    ]
    criteria = _run_criterion_stepwise(tokenizer, rows)
    for row, ids in enumerate(rows):
        assert cut_at_json_close(tokenizer, ids, [tokenizer.eos_token_id]) == criteria.outcome(row, len(ids))
    assert cut_at_json_close(tokenizer, rows[0], []) == (
        "json_closed",
        len(tokenizer.encode('{"a": "}"}', add_special_tokens=False)),
    )
    assert cut_at_json_close(tokenizer, [], [tokenizer.eos_token_id]) == ("max_new_tokens", 0)


@pytest.fixture(scope="module")
def model(tokenizer: Any) -> Iterator[Any]:
    with single_threaded_torch():
        yield build_model(tokenizer)


def _forced_run(model: Any, tokenizer: Any, text: str, max_new_tokens: int) -> Any:
    import copy

    forced_model = copy.copy(model)  # a shallow copy, so the patched generate stays local
    ids = tokenizer.encode(text, add_special_tokens=False)
    force_tokens(forced_model, ids, tokenizer.eos_token_id)
    settings = GenSettings(max_new_tokens=max_new_tokens, batch_size=2)
    prompts = ["First prompt:", "A second, longer prompt here:"]
    return generate_completions(
        forced_model, tokenizer, prompts, settings, cache=None, model_key="forced", progress=False
    )


def test_generation_stops_when_the_json_answer_closes(model: Any, tokenizer: Any) -> None:
    answer = 'Sure: {"a \\"}\\" b": "X", "c": ["{", 1]}'
    completions = _forced_run(model, tokenizer, answer + " and then more text {", 60)
    for completion in completions:
        assert completion.stopped == "json_closed"
        assert completion.text == answer
        assert completion.n_new_tokens == len(tokenizer.encode(answer, add_special_tokens=False))


def test_generation_stops_on_eos_without_eos_or_pad_in_the_text(model: Any, tokenizer: Any) -> None:
    completions = _forced_run(model, tokenizer, "no answer here", 60)
    for completion in completions:
        assert completion.stopped == "eos"
        assert completion.text == "no answer here"
        assert "<pad>" not in completion.text and "</s>" not in completion.text
        assert completion.n_new_tokens == len(tokenizer.encode("no answer here", add_special_tokens=False))


def test_generation_stops_at_max_new_tokens(model: Any, tokenizer: Any) -> None:
    text = 'The list {"open": "still going on and on'
    completions = _forced_run(model, tokenizer, text, 5)
    expected = tokenizer.decode(tokenizer.encode(text, add_special_tokens=False)[:5])
    for completion in completions:
        assert completion.stopped == "max_new_tokens"
        assert completion.n_new_tokens == 5
        assert completion.text == expected
