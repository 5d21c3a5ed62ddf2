"""Batched generation of JSON answers: length-sorted left-padded batches, early stop, cached.

Prompts are sorted by token length (longest first) into batches, left-padded with an attention
mask, decoded greedily unless sampling is asked for, and each row stops as soon as its JSON answer
is closed. Every finished batch goes straight to the completion cache, so a killed run resumes where
it stopped and a fully cached re-run touches no model at all.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from benchmark.generation.cache import CacheEntry, CompletionCache, cache_key, new_entry, prompt_hash
from benchmark.generation.engines.base import Engine
from benchmark.generation.stopping import JsonStopCriteria, StopReason
from core.errors import UserError
from core.hashing import stable_hash


@dataclass(frozen=True)
class GenSettings:
    """Decoding settings of one generation pass; `key()` names them in the completion cache."""

    max_new_tokens: int
    do_sample: bool = False
    temperature: float = 1.0
    top_p: float = 1.0
    seed: int = 0
    batch_size: int = 8
    constrained: bool = False
    precision: str = "fp32"  # resolved (`benchmark.models.precision`): bf16 runs the model under CPU autocast

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise UserError(f"max_new_tokens must be at least 1, got {self.max_new_tokens}")
        if self.batch_size < 1:
            raise UserError(f"batch size must be at least 1, got {self.batch_size}")
        if self.temperature <= 0:
            raise UserError(f"temperature must be positive, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise UserError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.precision not in ("fp32", "bf16"):
            raise ValueError(f"precision must be resolved to fp32 or bf16, got {self.precision!r}")

    def key(self) -> str:
        """Stable hash of what changes the output; batch size is an execution detail, and greedy
        decoding ignores temperature, top_p and seed. fp32 is left out, so keys made before
        `precision` existed stay valid."""
        fields = asdict(self)
        del fields["batch_size"]
        if self.precision == "fp32":
            del fields["precision"]
        if not self.do_sample:
            for name in ("temperature", "top_p", "seed"):
                del fields[name]
        return stable_hash(fields, 32, ensure_ascii=True)


@dataclass(frozen=True)
class Completion:
    """One generated answer: the raw text (no pad or eos tokens) and why generation stopped."""

    prompt_hash: str
    text: str
    n_prompt_tokens: int
    n_new_tokens: int  # tokens of `text`, excluding a final end-of-sequence token
    stopped: StopReason
    cached: bool


def generate_completions(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[str],
    settings: GenSettings,
    *,
    cache: CompletionCache | None,
    model_key: str,
    progress: bool = True,
    no_cache: bool = False,
    schema: Mapping[str, Any] | None = None,
    engine: Engine | None = None,
) -> list[Completion]:
    """Complete every prompt (in input order), reusing cached completions unless `no_cache`.

    `model_key` names the model (id + revision + adapter hash + engine); `schema` is the task's JSON
    schema, required when `settings.constrained`. `engine` generates what the cache lacks (default:
    the `hf` engine on `model` and `tokenizer`). New completions are appended to `cache` batch by
    batch (also under `no_cache`, where they replace the old entries).
    """
    if settings.constrained and schema is None:
        raise UserError("constrained decoding needs the task's JSON schema")
    settings_key = settings.key()
    if settings.constrained and schema is not None:
        settings_key += ":" + stable_hash(schema, 16, ensure_ascii=True)
    hashes = [prompt_hash(prompt) for prompt in prompts]
    keys = [cache_key(model_key, settings_key, digest) for digest in hashes]
    done: dict[str, Completion] = {}
    pending: dict[str, int] = {}  # key -> index of its first prompt
    for index, key in enumerate(keys):
        entry = cache.get(key) if cache is not None and not no_cache else None
        if entry is not None:
            done[key] = _from_entry(entry)
        elif key not in pending:
            pending[key] = index
    n_cached = sum(1 for key in keys if key in done)
    copies = Counter(keys)  # a prompt given twice is generated once and counts twice
    if pending:
        from benchmark.generation.engines.hf import HFEngine

        chosen: Engine = engine if engine is not None else HFEngine(model, tokenizer)
        todo = list(pending.values())
        with _progress_bar(len(prompts), n_cached, enabled=progress) as advance:
            for batch in chosen.generate([prompts[i] for i in todo], settings, schema):
                entries = [new_entry(keys[todo[j]], hashes[todo[j]], *generated) for j, generated in batch]
                if cache is not None:
                    cache.append(entries)
                for entry in entries:
                    done[entry.key] = _from_entry(entry, cached=False)
                advance(sum(copies[entry.key] for entry in entries))
    return [done[key] for key in keys]


def _from_entry(entry: CacheEntry, cached: bool = True) -> Completion:
    return Completion(
        entry.prompt_hash, entry.text, entry.n_prompt_tokens, entry.n_new_tokens, entry.stopped, cached
    )


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

    from benchmark.models.precision import cpu_autocast

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
        from benchmark.generation.constrained import JsonSchemaLogitsProcessor

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
    from benchmark.generation.constrained import compile_json_schema

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


@contextmanager
def _progress_bar(total: int, n_cached: int, *, enabled: bool) -> Iterator[Any]:
    """A rich progress bar (windows/s over generated items, cached count); yields `advance(n)`.

    When stderr is not a terminal, plain lines instead (every 30 s or 10%; `benchmark.plain_progress`).
    """
    import sys

    from benchmark.plain_progress import is_terminal

    if enabled and not is_terminal(sys.stderr):
        with _plain_lines(total, n_cached) as advance:
            yield advance
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} windows/s"),
        TextColumn("{task.fields[cached]} cached"),
        TimeElapsedColumn(),
    )
    started = time.perf_counter()
    generated = 0
    with Progress(*columns, console=Console(stderr=True), disable=not enabled) as bar:
        task = bar.add_task("generate", total=total, completed=n_cached, rate="-", cached=n_cached)

        def advance(count: int) -> None:
            nonlocal generated
            generated += count
            rate = generated / max(time.perf_counter() - started, 1e-9)
            bar.update(task, advance=count, rate=f"{rate:.2f}")

        yield advance


@contextmanager
def _plain_lines(total: int, n_cached: int) -> Iterator[Any]:
    """'generating: 24/80 windows (30%) · 0.52 windows/s · 8 cached · 1 min 40 s left' now and then."""
    from benchmark.plain_progress import PlainProgress, time_left

    def line(done: int, total: int, elapsed: float) -> str:
        generated = done - n_cached
        rate = generated / elapsed if elapsed > 0 else 0.0
        left = time_left(done, total, elapsed, n_cached)
        return (
            f"generating: {done}/{total} windows ({done / max(total, 1):.0%}) · {rate:.2f} windows/s · "
            f"{n_cached} cached · {left} left"
        )

    progress = PlainProgress(total, line)
    done = n_cached

    def advance(count: int) -> None:
        nonlocal done
        done += count
        progress.update(done)

    yield advance
