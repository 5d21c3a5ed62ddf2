"""The `hf` engine: transformers' `generate` on a loaded model, length-sorted left-padded batches."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from ptc_bench.benchmark.generation.cache import prompt_hash
from ptc_bench.benchmark.generation.engines.base import EngineRequest, Generated
from ptc_bench.benchmark.generation.settings import GenSettings
from ptc_bench.benchmark.generation.stopping import JsonStopCriteria, StopReason
from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import stable_int


class HFEngine:
    """Greedy (or sampled) batches through `model.generate`, each row stopped when its JSON closes."""

    name = "hf"

    def __init__(self, model: Any, tokenizer: Any) -> None:
        self.model = model
        self.tokenizer = tokenizer

    def check(self) -> None:
        """Nothing to check before use (the model is there or its loading has said so)."""

    def identity(self) -> dict[str, str]:
        return {"engine": "hf"}

    def generate(
        self, prompts: Sequence[str], settings: GenSettings, schema: Mapping[str, Any] | None
    ) -> Iterator[list[tuple[int, Generated]]]:
        """Longest prompts first, `settings.batch_size` at a time."""
        if not prompts:
            return
        tokenizer = self.tokenizer
        with left_padding(tokenizer):
            add_special = wants_special_tokens(tokenizer, prompts[0])
            lengths = tokenizer(list(prompts), add_special_tokens=add_special)["input_ids"]
            order = sorted(range(len(prompts)), key=lambda index: -len(lengths[index]))
            grammar = compile_grammar(self.model, tokenizer, schema) if settings.constrained else None
            for start in range(0, len(order), settings.batch_size):
                batch = order[start : start + settings.batch_size]
                seed = stable_int(f"{settings.seed}:{prompt_hash(prompts[batch[0]])}", 4)
                results = generate_batch(
                    self.model, tokenizer, [prompts[i] for i in batch], settings, add_special, seed, grammar
                )
                yield [(i, Generated(*result)) for i, result in zip(batch, results, strict=True)]


def generate_batch(
    model: Any,
    tokenizer: Any,
    batch_prompts: Sequence[str],
    settings: GenSettings,
    add_special_tokens: bool,
    seed: int,
    grammar: Any = None,
) -> list[tuple[str, StopReason, int, int]]:
    """Generate one left-padded batch; per row: (text, stop reason, prompt tokens, new tokens)."""
    import torch
    from transformers import LogitsProcessorList, StoppingCriteriaList

    from ptc_bench.benchmark.models.precision import cpu_autocast

    encoded = tokenizer(
        list(batch_prompts), return_tensors="pt", padding=True, add_special_tokens=add_special_tokens
    )
    device = getattr(model, "device", None) or torch.device("cpu")
    input_ids = encoded["input_ids"].to(device)
    attention_mask = encoded["attention_mask"].to(device)
    prompt_length = int(input_ids.shape[1])
    stop_ids = stop_token_ids(model, tokenizer)
    criteria = JsonStopCriteria(tokenizer, prompt_length, stop_ids, len(batch_prompts))
    processors = LogitsProcessorList()
    if grammar is not None:
        from ptc_bench.benchmark.generation.constrained import JsonSchemaLogitsProcessor

        processors.append(JsonSchemaLogitsProcessor(grammar, prompt_length))
    options: dict[str, Any] = {"max_new_tokens": settings.max_new_tokens, "do_sample": settings.do_sample}
    if settings.do_sample:
        options.update(temperature=settings.temperature, top_p=settings.top_p, top_k=0)
        torch.manual_seed(seed)
    if stop_ids:
        options["eos_token_id"] = list(stop_ids)
    with torch.inference_mode(), cpu_autocast(settings.precision, device.type):
        output = model.generate(
            input_ids=input_ids,
            attention_mask=attention_mask,
            pad_token_id=tokenizer.pad_token_id,
            stopping_criteria=StoppingCriteriaList([criteria]),
            logits_processor=processors,
            **options,
        )
    new_tokens = output[:, prompt_length:].tolist()
    results: list[tuple[str, StopReason, int, int]] = []
    for row, ids in enumerate(new_tokens):
        stopped, kept = criteria.outcome(row, len(ids))
        text = tokenizer.decode(ids[:kept], skip_special_tokens=True)
        results.append((text, stopped, int(attention_mask[row].sum()), kept))
    return results


def stop_token_ids(model: Any, tokenizer: Any) -> tuple[int, ...]:
    """End-of-sequence ids from the model's generation config and the tokenizer, deduplicated."""
    ids: list[int] = []
    config = getattr(model, "generation_config", None)
    configured = getattr(config, "eos_token_id", None)
    for candidate in [configured, tokenizer.eos_token_id]:
        if candidate is None:
            continue
        for token in candidate if isinstance(candidate, (list, tuple)) else [candidate]:
            if int(token) not in ids:
                ids.append(int(token))
    return tuple(ids)


def wants_special_tokens(tokenizer: Any, prompt: str) -> bool:
    """Add special tokens (BOS) unless the prompt text already starts with the BOS token (chat templates)."""
    bos = getattr(tokenizer, "bos_token", None)
    return not (isinstance(bos, str) and bos and prompt.startswith(bos))


def compile_grammar(model: Any, tokenizer: Any, schema: Mapping[str, Any] | None) -> Any:
    from ptc_bench.benchmark.generation.constrained import compile_json_schema

    assert schema is not None
    return compile_json_schema(tokenizer, schema, vocab_size=_vocab_size(model, tokenizer))


def _vocab_size(model: Any, tokenizer: Any) -> int:
    """Width of the model's logits (can exceed the tokenizer's vocabulary because of padding)."""
    config: Any = getattr(model, "config", None)
    if hasattr(config, "get_text_config"):
        config = config.get_text_config()
    size = getattr(config, "vocab_size", None)
    return int(size) if size else len(tokenizer)


@contextmanager
def left_padding(tokenizer: Any) -> Iterator[None]:
    """Left-pad (and borrow eos as pad when there is none) for the duration of a call, then restore."""
    side, pad = tokenizer.padding_side, tokenizer.pad_token
    tokenizer.padding_side = "left"
    if pad is None:
        if tokenizer.eos_token is None:
            raise UserError("the tokenizer has neither a pad nor an eos token; cannot batch prompts")
        tokenizer.pad_token = tokenizer.eos_token
    try:
        yield
    finally:
        tokenizer.padding_side = side
        if pad is None:
            tokenizer.pad_token = None


def create(request: EngineRequest) -> HFEngine:
    """The registry's constructor: the model loaded in this process and its tokenizer."""
    if request.model is None or request.tokenizer is None:
        raise ValueError("the hf engine needs a loaded model and its tokenizer")
    return HFEngine(request.model, request.tokenizer)
