"""Batched generation: settings keys, batching and order, caching, resume after an interrupt, sampling."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ptc_bench.benchmark.generation.cache import CompletionCache, prompt_hash
from ptc_bench.benchmark.generation.generate import GenSettings, generate_completions
from ptc_bench.core.errors import UserError
from tests.benchmark.generation_helpers import (
    build_model,
    build_tokenizer,
    make_prompts,
    single_threaded_torch,
)


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    return build_tokenizer()


@pytest.fixture(scope="module")
def model(tokenizer: Any) -> Iterator[Any]:
    with single_threaded_torch():
        yield build_model(tokenizer)


class CountingModel:
    """Wraps a model: records the batch sizes `generate` is called with; can fail on the n-th call."""

    def __init__(
        self, model: Any, fail_on_call: int | None = None, error: type[BaseException] = KeyboardInterrupt
    ):
        self.model = model
        self.calls: list[int] = []
        self.fail_on_call = fail_on_call
        self.error = error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def generate(self, **kwargs: Any) -> Any:
        self.calls.append(int(kwargs["input_ids"].shape[0]))
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise self.error("interrupted")
        return self.model.generate(**kwargs)


def test_settings_key_ignores_execution_details_and_unused_sampling_options() -> None:
    greedy = GenSettings(max_new_tokens=64)
    assert greedy.key() == GenSettings(max_new_tokens=64, batch_size=1).key()
    assert greedy.key() == GenSettings(max_new_tokens=64, temperature=0.7, seed=3).key()
    assert greedy.key() != GenSettings(max_new_tokens=65).key()
    assert greedy.key() != GenSettings(max_new_tokens=64, constrained=True).key()
    sampled = GenSettings(max_new_tokens=64, do_sample=True, seed=1)
    assert sampled.key() != greedy.key()
    assert sampled.key() != GenSettings(max_new_tokens=64, do_sample=True, seed=2).key()
    assert sampled.key() != GenSettings(max_new_tokens=64, do_sample=True, seed=1, top_p=0.9).key()


@pytest.mark.parametrize(
    "bad", [{"max_new_tokens": 0}, {"batch_size": 0}, {"temperature": 0.0}, {"top_p": 1.5}]
)
def test_settings_reject_bad_values(bad: dict[str, Any]) -> None:
    with pytest.raises(UserError):
        GenSettings(**{"max_new_tokens": 8, **bad})


def test_batched_greedy_equals_one_at_a_time_and_keeps_input_order(model: Any, tokenizer: Any) -> None:
    prompts = make_prompts(9)
    one = generate_completions(
        model, tokenizer, prompts, GenSettings(max_new_tokens=12, batch_size=1),
        cache=None, model_key="m", progress=False,
    )  # fmt: skip
    four = generate_completions(
        model, tokenizer, prompts, GenSettings(max_new_tokens=12, batch_size=4),
        cache=None, model_key="m", progress=False,
    )  # fmt: skip
    assert [c.text for c in one] == [c.text for c in four]
    assert [c.prompt_hash for c in four] == [prompt_hash(p) for p in prompts]
    assert [c.n_prompt_tokens for c in four] == [len(tokenizer(p)["input_ids"]) for p in prompts]
    assert all(not c.cached for c in four)
    assert all(c.n_new_tokens <= 12 for c in four)


def test_batches_are_length_sorted_longest_first(model: Any, tokenizer: Any) -> None:
    prompts = ["short:", "a much much longer prompt with many more words in it:", "medium length prompt:"]
    counting = CountingModel(model)
    seen: list[int] = []
    original = counting.generate

    def recording_generate(**kwargs: Any) -> Any:
        seen.append(int(kwargs["attention_mask"][0].sum()))
        return original(**kwargs)

    counting.generate = recording_generate  # type: ignore[method-assign]
    settings = GenSettings(max_new_tokens=2, batch_size=1)
    generate_completions(counting, tokenizer, prompts, settings, cache=None, model_key="m", progress=False)
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == 3


def test_tokenizer_padding_state_is_restored(model: Any, tokenizer: Any) -> None:
    no_pad = copy.deepcopy(tokenizer)
    no_pad.pad_token = None
    no_pad.padding_side = "right"
    completions = generate_completions(
        model, no_pad, make_prompts(3), GenSettings(max_new_tokens=3, batch_size=3),
        cache=None, model_key="m", progress=False,
    )  # fmt: skip
    assert len(completions) == 3
    assert no_pad.padding_side == "right" and no_pad.pad_token is None


def test_fully_cached_rerun_runs_no_model(model: Any, tokenizer: Any, tmp_path: Path) -> None:
    prompts = make_prompts(5)
    settings = GenSettings(max_new_tokens=6, batch_size=2)
    cache = CompletionCache(tmp_path / "gen.jsonl")
    first = generate_completions(
        model, tokenizer, prompts, settings, cache=cache, model_key="m", progress=False
    )
    broken = CountingModel(model, fail_on_call=1, error=AssertionError)
    again = generate_completions(
        broken, tokenizer, prompts, settings,
        cache=CompletionCache(tmp_path / "gen.jsonl"), model_key="m", progress=True,
    )  # fmt: skip
    assert broken.calls == []
    assert [c.text for c in again] == [c.text for c in first]
    assert all(c.cached for c in again)
    other_model = CountingModel(model)
    generate_completions(
        other_model, tokenizer, prompts, settings, cache=cache, model_key="m+adapter", progress=False
    )
    assert sum(other_model.calls) == 5  # a different model key shares nothing


def test_interrupted_run_resumes_with_only_the_remaining_prompts(
    model: Any, tokenizer: Any, tmp_path: Path
) -> None:
    prompts = make_prompts(7)
    settings = GenSettings(max_new_tokens=5, batch_size=3)
    path = tmp_path / "gen.jsonl"
    interrupted = CountingModel(model, fail_on_call=2)
    with pytest.raises(KeyboardInterrupt):
        generate_completions(
            interrupted,
            tokenizer,
            prompts,
            settings,
            cache=CompletionCache(path),
            model_key="m",
            progress=False,
        )
    assert len(CompletionCache(path)) == 3  # the first batch was flushed before the interrupt
    resumed = CountingModel(model)
    completions = generate_completions(
        resumed, tokenizer, prompts, settings, cache=CompletionCache(path), model_key="m", progress=False
    )
    assert resumed.calls == [3, 1]
    assert sum(c.cached for c in completions) == 3
    fresh = generate_completions(
        model, tokenizer, prompts, settings, cache=None, model_key="m", progress=False
    )
    assert [c.text for c in completions] == [c.text for c in fresh]


def test_no_cache_regenerates_and_overwrites(model: Any, tokenizer: Any, tmp_path: Path) -> None:
    prompts = make_prompts(4)
    settings = GenSettings(max_new_tokens=4, batch_size=4)
    path = tmp_path / "gen.jsonl"
    generate_completions(
        model, tokenizer, prompts, settings, cache=CompletionCache(path), model_key="m", progress=False
    )
    counting = CountingModel(model)
    completions = generate_completions(
        counting, tokenizer, prompts, settings,
        cache=CompletionCache(path), model_key="m", progress=False, no_cache=True,
    )  # fmt: skip
    assert counting.calls == [4]
    assert not any(c.cached for c in completions)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 8
    assert len(CompletionCache(path)) == 4


def test_duplicate_prompts_are_generated_once(model: Any, tokenizer: Any) -> None:
    prompts = ["same prompt:", "other prompt:", "same prompt:"]
    counting = CountingModel(model)
    completions = generate_completions(
        counting, tokenizer, prompts, GenSettings(max_new_tokens=3), cache=None, model_key="m", progress=False
    )
    assert counting.calls == [2]
    assert completions[0] == completions[2]


def test_seeded_sampling_is_reproducible(model: Any, tokenizer: Any) -> None:
    prompts = make_prompts(3)

    def sample(seed: int) -> list[str]:
        settings = GenSettings(max_new_tokens=10, do_sample=True, temperature=1.5, seed=seed, batch_size=3)
        results = generate_completions(
            model, tokenizer, prompts, settings, cache=None, model_key="m", progress=False
        )
        return [c.text for c in results]

    assert sample(1) == sample(1)
    assert sample(1) != sample(2)


def test_constrained_without_schema_is_a_user_error(model: Any, tokenizer: Any) -> None:
    with pytest.raises(UserError, match="schema"):
        generate_completions(
            model, tokenizer, ["p"], GenSettings(max_new_tokens=2, constrained=True),
            cache=None, model_key="m", progress=False,
        )  # fmt: skip


def test_progress_bar_reports_rate_and_cached_items(
    model: Any, tokenizer: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = make_prompts(3)
    settings = GenSettings(max_new_tokens=2)
    cache = CompletionCache(tmp_path / "gen.jsonl")
    generate_completions(model, tokenizer, prompts[:1], settings, cache=cache, model_key="m", progress=False)
    assert capsys.readouterr().err == ""
    generate_completions(model, tokenizer, prompts, settings, cache=cache, model_key="m", progress=True)
    shown = capsys.readouterr().err
    assert "3/3" in shown and "windows/s" in shown and "1 cached" in shown
