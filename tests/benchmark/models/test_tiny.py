"""The offline tiny model: deterministic, cached by recipe, usable by transformers offline."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from ptc_bench.benchmark.models.tiny import ensure_tiny_model
from tests.benchmark.tiny_helpers import CORPUS, FAST_RECIPE, quick_recipe, tiny_model_info


def _weights_hash(path: Path) -> str:
    return hashlib.sha256((path / "model.safetensors").read_bytes()).hexdigest()


@pytest.mark.integration  # pre-trains two tiny models
def test_two_builds_in_separate_caches_are_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recipe = quick_recipe(steps=5)
    monkeypatch.setenv("PTC_BENCH_CACHE", str(tmp_path / "a"))
    first = ensure_tiny_model(list(CORPUS), recipe=recipe)
    monkeypatch.setenv("PTC_BENCH_CACHE", str(tmp_path / "b"))
    second = ensure_tiny_model(list(CORPUS), recipe=recipe)
    assert first != second
    assert first.name == second.name  # same recipe hash
    assert _weights_hash(first) == _weights_hash(second)
    assert (first / "tokenizer.json").read_bytes() == (second / "tokenizer.json").read_bytes()


def test_second_call_returns_the_cached_folder_instantly() -> None:
    path = ensure_tiny_model(list(CORPUS), recipe=FAST_RECIPE)
    started = time.perf_counter()
    again = ensure_tiny_model(list(CORPUS), recipe=FAST_RECIPE)
    assert again == path
    assert time.perf_counter() - started < 0.5
    assert not list(path.parent.glob(f"{path.name}.tmp-*"))  # the staging folder was renamed away


@pytest.mark.integration  # pre-trains two tiny models
def test_recipe_and_text_change_the_cache_key() -> None:
    base = ensure_tiny_model(list(CORPUS), recipe=quick_recipe(steps=3))
    other_steps = ensure_tiny_model(list(CORPUS), recipe=quick_recipe(steps=4))
    other_text = ensure_tiny_model([CORPUS[0] + " More text."], recipe=quick_recipe(steps=3))
    assert len({base.name, other_steps.name, other_text.name}) == 3
    assert base.name.startswith("tiny-model-")


def test_the_tiny_model_loads_with_transformers_and_has_the_promised_tokens() -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = ensure_tiny_model(list(CORPUS), recipe=FAST_RECIPE)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path)
    info = tiny_model_info(path)
    assert model.config.model_type == "llama"
    assert info["n_parameters"] == sum(p.numel() for p in model.parameters())
    assert tokenizer.bos_token == "<s>" and tokenizer.eos_token == "</s>"
    assert tokenizer.pad_token == "<pad>" and tokenizer.unk_token == "<unk>"
    assert tokenizer.pad_token_id != tokenizer.eos_token_id
    ids = tokenizer('{"the old bridge": "place"}')["input_ids"]
    assert ids[0] == tokenizer.bos_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == '{"the old bridge": "place"}'
    chat = tokenizer.apply_chat_template(
        [{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True
    )
    assert chat.endswith("### Assistant:\n") and "hi" in chat


def test_default_recipe_is_llama_shaped_and_small() -> None:
    from ptc_bench.benchmark.models.tiny import DEFAULT_RECIPE

    recipe = DEFAULT_RECIPE
    embeddings = 2 * recipe.vocab_size * recipe.hidden_size
    per_layer = 4 * recipe.hidden_size**2 + 3 * recipe.hidden_size * recipe.intermediate_size
    assert 1_000_000 <= embeddings + recipe.num_layers * per_layer <= 3_000_000


def test_empty_text_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty text"):
        ensure_tiny_model(["  ", ""], recipe=quick_recipe(steps=2))
