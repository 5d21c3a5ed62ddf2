"""Constrained decoding: a random model's answers always follow the schema; a clear error without xgrammar."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from ptc_bench.benchmark.generation.generate import GenSettings, generate_completions
from ptc_bench.core.errors import UserError
from tests.benchmark.generation_helpers import (
    build_model,
    build_tokenizer,
    make_prompts,
    single_threaded_torch,
)

LABELS = ["Loaded_Language", "Name_Calling,Labeling"]
# Bounded lengths so that a random model, which would otherwise ramble inside a string, always finishes.
OBJECT_SCHEMA = {
    "type": "object",
    "propertyNames": {"maxLength": 12},
    "maxProperties": 3,
    "additionalProperties": {"type": "string", "enum": LABELS},
}
ARRAY_SCHEMA = {
    "type": "array",
    "maxItems": 3,
    "items": {
        "type": "object",
        "properties": {
            "phrase": {"type": "string", "maxLength": 12},
            "technique": {"type": "string", "enum": LABELS},
        },
        "required": ["phrase", "technique"],
        "additionalProperties": False,
    },
}


def test_missing_xgrammar_is_a_one_line_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from ptc_bench.benchmark.generation.constrained import compile_json_schema

    monkeypatch.setitem(sys.modules, "xgrammar", None)  # makes `import xgrammar` fail
    with pytest.raises(
        UserError, match=r"--constrained needs xgrammar: pip install --no-deps xgrammar apache-tvm-ffi$"
    ):
        compile_json_schema(object(), OBJECT_SCHEMA, vocab_size=10)


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    pytest.importorskip("xgrammar")
    return build_tokenizer()


@pytest.fixture(scope="module")
def model(tokenizer: Any) -> Iterator[Any]:
    with single_threaded_torch():
        yield build_model(tokenizer, seed=3)


def test_control_byte_tokens_are_banned(tokenizer: Any) -> None:
    from ptc_bench.benchmark.generation.constrained import compile_json_schema

    compiled = compile_json_schema(tokenizer, OBJECT_SCHEMA, vocab_size=len(tokenizer))
    newline = tokenizer.convert_tokens_to_ids("Ċ")  # byte-level spelling of "\n"
    assert newline in compiled.banned_token_ids
    assert tokenizer.convert_tokens_to_ids("{") not in compiled.banned_token_ids
    assert all(any(ord(char) < 0x20 for char in tokenizer.decode([i])) for i in compiled.banned_token_ids)


@pytest.mark.parametrize("schema", [OBJECT_SCHEMA, ARRAY_SCHEMA], ids=["object", "array"])
def test_constrained_answers_always_match_the_schema(
    model: Any, tokenizer: Any, schema: dict[str, Any]
) -> None:
    import jsonschema

    settings = GenSettings(max_new_tokens=96, batch_size=4, constrained=True)
    prompts = make_prompts(6)
    completions = generate_completions(
        model, tokenizer, prompts, settings, cache=None, model_key="m", progress=False, schema=schema
    )
    for completion in completions:
        assert completion.stopped == "json_closed", completion.text
        answer = json.loads(completion.text)  # strict: no control characters, nothing around the JSON
        jsonschema.validate(answer, schema)
    unconstrained = generate_completions(
        model, tokenizer, prompts, GenSettings(max_new_tokens=20), cache=None, model_key="m", progress=False
    )
    assert not all(_is_valid(c.text, schema) for c in unconstrained)  # the constraint did the work


def _is_valid(text: str, schema: dict[str, Any]) -> bool:
    import jsonschema

    try:
        jsonschema.validate(json.loads(text), schema)
    except (ValueError, jsonschema.ValidationError):
        return False
    return True


def test_a_finished_row_is_not_fed_to_its_matcher_again(
    tokenizer: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    """A row padded after its stop token: no token goes to the terminated matcher (xgrammar would warn
    on stderr once per padded step, past run.log)."""
    import torch

    from ptc_bench.benchmark.generation.constrained import JsonSchemaLogitsProcessor, compile_json_schema

    compiled = compile_json_schema(tokenizer, OBJECT_SCHEMA, vocab_size=len(tokenizer))
    processor = JsonSchemaLogitsProcessor(compiled, prompt_length=1)
    eos = int(tokenizer.eos_token_id)
    answer = [tokenizer.convert_tokens_to_ids("{"), tokenizer.convert_tokens_to_ids("}"), eos, eos, eos]
    ids = [eos]  # the one-token prompt
    for token in [None, *answer]:
        if token is not None:
            ids.append(token)
        processor(torch.tensor([ids]), torch.zeros(1, len(tokenizer)))
    assert processor.matchers[0].is_terminated() and processor.active == [False]
    assert "trying to accept new token" not in capfd.readouterr().err
