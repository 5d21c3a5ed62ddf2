"""Generation levers on a tiny random Llama: prefix-cache reuse and batching give the plain path's text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from benchmark.perf.generation_speed import run_eos_only, run_naive, run_ours, run_prefix_cached
from benchmark.perf.token_counts import common_prefix_length
from tests.benchmark.generation_helpers import build_model, build_tokenizer, single_threaded_torch

INSTRUCTION = "Critics called him a traitor and a coward. The minister said "
ENDINGS = (
    "the plan was a disaster.",
    "Everyone knows the truth",
    "Numbers 1 2 3 4 5",
    "join the movement now",
)


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    return build_tokenizer()


@pytest.fixture(scope="module")
def model(tokenizer: Any) -> Iterator[Any]:
    with single_threaded_torch():
        yield build_model(tokenizer)


def test_prefix_cache_reuse_gives_the_plain_batch_one_text(model: Any, tokenizer: Any) -> None:
    prompts = [INSTRUCTION + ending for ending in ENDINGS]
    plain = run_ours(model, tokenizer, prompts, max_new_tokens=12, batch_size=1)
    cached = run_prefix_cached(model, tokenizer, prompts, max_new_tokens=12)
    assert cached.run.texts == plain.texts
    assert cached.run.new_tokens == plain.new_tokens and cached.run.n_prompts == 4
    rows = [tokenizer(p)["input_ids"] for p in prompts]
    assert cached.prefix_tokens == min(common_prefix_length(rows[0], row) for row in rows[1:])
    assert cached.prefix_tokens >= len(tokenizer(INSTRUCTION)["input_ids"]) - 1


def test_eos_only_runs_count_every_window_and_stop_at_the_limit(model: Any, tokenizer: Any) -> None:
    prompts = [INSTRUCTION + ending for ending in ENDINGS]
    side = tokenizer.padding_side
    naive = run_naive(model, tokenizer, prompts, max_new_tokens=6)
    batched = run_eos_only(model, tokenizer, prompts, 6, batch_size=2)
    for run in (naive, batched):
        assert sum(run.stop_reasons.values()) == 4
        assert run.new_tokens <= 4 * 6
    assert naive.new_tokens == batched.new_tokens
    assert tokenizer.padding_side == side  # restored after the left-padded batches
