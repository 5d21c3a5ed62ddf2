"""Generation levers on a tiny random Llama: prefix-cache reuse and batching give the plain path's text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ptc_bench.benchmark.perf.generation_speed import run_eos_only, run_naive, run_ours, run_prefix_cached
from ptc_bench.benchmark.perf.token_counts import common_prefix_length
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


def test_adapted_rows_are_named_apart_and_their_ratios_are_the_runs_speeds() -> None:
    """4 windows: naive in 8 s (0.5 windows/s), our hf path in 2 s (2), vLLM in 1 s (4)."""
    from ptc_bench.benchmark.perf.generation_speed import GenerationRun, generation_rows, vllm_rows

    naive = GenerationRun(8.0, 4, 40, {"eos": 4})
    ours = GenerationRun(2.0, 4, 40, {"json_closed": 4}, ("a", "b", "c", "d"))
    vllm = GenerationRun(1.0, 4, 40, {"json_closed": 4}, ("a", "b", "x", "d"))
    base = vllm_rows(vllm, 20.0, ours, naive, "bf16")
    adapted = vllm_rows(vllm, 20.0, ours, naive, "bf16", system="adapted")
    assert [row.name for row in base] == [
        "vLLM engine vs one at a time (windows / s)",
        "vLLM engine vs the hf engine, ours (windows / s)",
    ]
    assert [row.name for row in adapted] == [f"adapted: {row.name}" for row in base]
    assert [(row.ours, row.naive, row.ratio, row.met) for row in adapted] == [
        (4.0, 0.5, 8.0, True),  # 8x: the target met exactly
        (4.0, 2.0, 2.0, True),  # an info row: always met
    ]
    assert "same text as the hf path on 3 of 4 windows" in adapted[0].notes
    rows = generation_rows(ours, naive, batch_size=2, max_new_tokens=16, model_note="m", system="adapted")
    assert [(row.name, row.ratio) for row in rows] == [
        ("adapted: windows / s", 4.0),
        ("adapted: new tokens / window", 1.0),
    ]


def test_an_adapter_needs_the_generation_section() -> None:
    from ptc_bench.benchmark.perf.settings import PerfSettings
    from ptc_bench.core.errors import UserError

    assert PerfSettings(adapter="a", sections=("generation",)).adapter == "a"
    with pytest.raises(UserError, match="--adapter adds generation rows"):
        PerfSettings(adapter="a", sections=("scoring", "memory"))
