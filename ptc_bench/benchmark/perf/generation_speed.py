"""Generation: our batched, length-sorted, early-stopping generation vs one prompt at a time with a
fixed max_new_tokens (the notebook way), on the same dev windows and the same model."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ptc_bench.benchmark.perf.rows import PerfRow, Target, make_row

if TYPE_CHECKING:
    from ptc_bench.benchmark.generation.engines.merged import VLLMTarget

SECTION = "generation"


@dataclass(frozen=True)
class GenerationRun:
    """Wall time over the prompts and what was generated."""

    seconds: float
    n_prompts: int
    new_tokens: int
    stop_reasons: dict[str, int]
    texts: tuple[str, ...] = ()

    @property
    def windows_per_second(self) -> float:
        """Prompts completed per second."""
        return self.n_prompts / self.seconds


def spread_sample(items: Sequence[Any], n: int) -> list[Any]:
    """`n` items evenly spaced over the sequence (a mix of articles and window lengths), in order."""
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def run_ours(
    model: Any, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int, batch_size: int
) -> GenerationRun:
    """ptc_bench.benchmark.generation.generate.generate_completions without a cache, greedy."""
    from ptc_bench.benchmark.generation.generate import GenSettings, generate_completions

    settings = GenSettings(max_new_tokens=max_new_tokens, batch_size=batch_size)
    started = time.perf_counter()
    completions = generate_completions(
        model, tokenizer, prompts, settings, cache=None, model_key="perf", progress=False
    )
    seconds = time.perf_counter() - started
    reasons = Counter(str(c.stopped) for c in completions)
    new_tokens = sum(c.n_new_tokens for c in completions)
    return GenerationRun(seconds, len(prompts), new_tokens, dict(reasons), tuple(c.text for c in completions))


def run_naive(model: Any, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int) -> GenerationRun:
    """One prompt at a time, greedy, stopping only at end-of-sequence or `max_new_tokens`."""
    return run_eos_only(model, tokenizer, prompts, max_new_tokens, batch_size=1)


def run_eos_only(
    model: Any, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int, *, batch_size: int
) -> GenerationRun:
    """Greedy, left-padded batches in the given order, stopping only at end-of-sequence or the limit."""
    import torch

    reasons: Counter[str] = Counter()
    new_tokens = 0
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    started = time.perf_counter()
    try:
        for start in range(0, len(prompts), batch_size):
            batch = list(prompts[start : start + batch_size])
            encoded = tokenizer(batch, return_tensors="pt", padding=True)
            with torch.inference_mode():
                output = model.generate(
                    **encoded,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    pad_token_id=tokenizer.pad_token_id,
                )
            for ids in output[:, encoded["input_ids"].shape[1] :].tolist():
                generated = _length_before_eos(ids, tokenizer)
                new_tokens += generated
                reasons["max_new_tokens" if generated >= max_new_tokens else "eos"] += 1
    finally:
        tokenizer.padding_side = side
    seconds = time.perf_counter() - started
    return GenerationRun(seconds, len(prompts), new_tokens, dict(reasons))


def run_prefix_cached(model: Any, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int) -> PrefixRun:
    """Batch 1, stopping at the closed JSON, with the prompts' shared token prefix prefilled once and its
    KV cache copied for each prompt (transformers' prompt-cache reuse; batch 1 only: left padding
    shifts the prefix of shorter prompts in a batch)."""
    import copy

    import torch
    from transformers import DynamicCache, StoppingCriteriaList

    from ptc_bench.benchmark.generation.engines.hf import stop_token_ids
    from ptc_bench.benchmark.generation.stopping import JsonStopCriteria
    from ptc_bench.benchmark.perf.token_counts import common_prefix_length

    encoded = [tokenizer(prompt, return_tensors="pt")["input_ids"] for prompt in prompts]
    rows = [ids[0].tolist() for ids in encoded]
    shared = min([common_prefix_length(rows[0], row) for row in rows[1:]] + [len(row) - 1 for row in rows])
    stop_ids = list(stop_token_ids(model, tokenizer))
    reasons: Counter[str] = Counter()
    texts: list[str] = []
    new_tokens = 0
    started = time.perf_counter()
    with torch.inference_mode():
        prefix_cache = DynamicCache(config=model.config)
        model(input_ids=encoded[0][:, :shared], past_key_values=prefix_cache, use_cache=True)
        for ids in encoded:
            criteria = JsonStopCriteria(tokenizer, int(ids.shape[1]), stop_ids, 1)
            output = model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                past_key_values=copy.deepcopy(prefix_cache),
                max_new_tokens=max_new_tokens,
                do_sample=False,
                eos_token_id=stop_ids,
                pad_token_id=tokenizer.pad_token_id,
                stopping_criteria=StoppingCriteriaList([criteria]),
            )
            generated = output[0, ids.shape[1] :].tolist()
            stopped, kept = criteria.outcome(0, len(generated))
            reasons[str(stopped)] += 1
            new_tokens += kept
            texts.append(tokenizer.decode(generated[:kept], skip_special_tokens=True))
    seconds = time.perf_counter() - started
    return PrefixRun(GenerationRun(seconds, len(prompts), new_tokens, dict(reasons), tuple(texts)), shared)


def run_vllm(
    target: VLLMTarget, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int, precision: str
) -> tuple[GenerationRun, float]:
    """The `vllm` engine on the same prompts (greedy, JSON cut); (the run, its engine's start seconds).

    vLLM's own output (and its engine process's) goes to `bench-perf-vllm.log` in the temporary
    folder, not between the progress lines; a failure names that file.
    """
    import tempfile

    from ptc_bench.benchmark.generation.engines.vllm import VLLMEngine
    from ptc_bench.benchmark.generation.generate import GenSettings, generate_completions
    from ptc_bench.benchmark.models.precision import default_device_type

    log = Path(tempfile.gettempdir()) / "bench-perf-vllm.log"
    engine = VLLMEngine(
        target.model_path, tokenizer, precision=precision, device_type=default_device_type(),
        lora=target.lora, log_path=log,
    )  # fmt: skip
    settings = GenSettings(max_new_tokens=max_new_tokens, precision=precision)
    try:
        started = time.perf_counter()
        engine.start()
        start_seconds = time.perf_counter() - started
        started = time.perf_counter()
        completions = generate_completions(
            None, None, prompts, settings, cache=None, model_key="perf", progress=False, engine=engine
        )
        seconds = time.perf_counter() - started
    finally:
        engine.close()
    reasons = Counter(str(c.stopped) for c in completions)
    new_tokens = sum(c.n_new_tokens for c in completions)
    texts = tuple(c.text for c in completions)
    return GenerationRun(seconds, len(prompts), new_tokens, dict(reasons), texts), start_seconds


def vllm_rows(
    vllm: GenerationRun, start_seconds: float, ours: GenerationRun, naive: GenerationRun, precision: str,
    *, system: str = "base",
) -> list[PerfRow]:  # fmt: skip
    """The vLLM engine against the one-at-a-time way and against our hf path, same windows and model."""
    same = sum(1 for a, b in zip(vllm.texts, ours.texts, strict=True) if a == b)
    notes = (
        f"engine start {start_seconds:.0f} s not counted (once per model and process); {precision}; "
        f"same text as the hf path on {same} of {vllm.n_prompts} windows; {_reasons(vllm)}"
    )
    return [
        make_row(
            SECTION,
            f"{_prefix(system)}vLLM engine vs one at a time (windows / s)",
            ours=vllm.windows_per_second,
            naive=naive.windows_per_second,
            unit="windows/s",
            better="higher",
            target=Target("ratio_at_least", 8),
            notes=notes,
        ),
        make_row(
            SECTION,
            f"{_prefix(system)}vLLM engine vs the hf engine, ours (windows / s)",
            ours=vllm.windows_per_second,
            naive=ours.windows_per_second,
            unit="windows/s",
            better="higher",
            notes="both batched and cut at the closed JSON; hf in fp32 weights (autocast when bf16)",
        ),
    ]


def _prefix(system: str) -> str:
    """Row names of the base model stay as they were; the adapted model's start with "adapted: "."""
    return "" if system == "base" else f"{system}: "


@dataclass(frozen=True)
class PrefixRun:
    """A prefix-cached run and the number of prompt tokens its cache covered."""

    run: GenerationRun
    prefix_tokens: int


def _length_before_eos(ids: Sequence[int], tokenizer: Any) -> int:
    """New tokens up to (not counting) the first end-of-sequence or pad token."""
    ends = {tokenizer.eos_token_id, tokenizer.pad_token_id} - {None}
    for position, token in enumerate(ids):
        if token in ends:
            return position
    return len(ids)


def warm_up(model: Any, tokenizer: Any, prompt: str) -> None:
    """One short generation so that neither side pays first-call costs."""
    import torch

    encoded = tokenizer(prompt, return_tensors="pt")
    with torch.inference_mode():
        model.generate(**encoded, max_new_tokens=4, do_sample=False, pad_token_id=tokenizer.pad_token_id)


def generation_rows(
    ours: GenerationRun, naive: GenerationRun, *, batch_size: int, max_new_tokens: int, model_note: str,
    system: str = "base",
) -> list[PerfRow]:  # fmt: skip
    """windows/s (target >= 8x) and mean new tokens per window, with the stop reasons in the notes."""
    return [
        make_row(
            SECTION,
            f"{_prefix(system)}windows / s",
            ours=ours.windows_per_second,
            naive=naive.windows_per_second,
            unit="windows/s",
            better="higher",
            target=Target("ratio_at_least", 8),
            notes=(
                f"{ours.n_prompts} dev windows; ours batch {batch_size}, length-sorted, stops when the JSON "
                f"closes; naive batch 1, max_new_tokens {max_new_tokens}; {model_note}"
            ),
        ),
        make_row(
            SECTION,
            f"{_prefix(system)}new tokens / window",
            ours=ours.new_tokens / ours.n_prompts,
            naive=naive.new_tokens / naive.n_prompts,
            unit="tokens",
            notes=f"stop reasons, ours: {_reasons(ours)}; naive: {_reasons(naive)}{_eos_note(naive)}",
        ),
    ]


def _reasons(run: GenerationRun) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(run.stop_reasons.items())) or "none"


def _eos_note(naive: GenerationRun) -> str:
    """Say so when the model ends every answer with eos itself: stopping at the closing brace then saves
    almost nothing, and the speed-up is batching alone."""
    if naive.stop_reasons.get("eos", 0) == naive.n_prompts:
        return "; the model ended every answer with eos itself, so JSON-closed stopping saves ~nothing here"
    return ""


def generation_lever_rows(
    naive: GenerationRun,
    json_stop: GenerationRun,
    batched: GenerationRun,
    prefix: PrefixRun | None,
    *,
    batch_size: int,
) -> list[PerfRow]:
    """What each generation lever buys alone: JSON stop at batch 1, batching without it, prefix reuse."""
    rows = [
        make_row(
            SECTION,
            "stop at the closed JSON vs at eos or the limit, batch 1 (windows / s)",
            ours=json_stop.windows_per_second,
            naive=naive.windows_per_second,
            unit="windows/s",
            better="higher",
            notes=(
                f"new tokens / window {_mean_new(json_stop):.0f} vs {_mean_new(naive):.0f}; "
                f"{_reasons(json_stop)}"
            ),
        ),
        make_row(
            SECTION,
            f"batch {batch_size} vs one at a time, both to eos or the limit (windows / s)",
            ours=batched.windows_per_second,
            naive=naive.windows_per_second,
            unit="windows/s",
            better="higher",
            notes=f"left-padded batches in the same order; {_reasons(batched)}",
        ),
    ]
    if prefix is not None:
        same = sum(1 for a, b in zip(prefix.run.texts, json_stop.texts, strict=True) if a == b)
        rows.append(
            make_row(
                SECTION,
                "shared-prefix KV cache reused vs recomputed, batch 1 + JSON stop (windows / s)",
                ours=prefix.run.windows_per_second,
                naive=json_stop.windows_per_second,
                unit="windows/s",
                better="higher",
                notes=(
                    f"the first {prefix.prefix_tokens} prompt tokens (shared by all windows) prefilled once, "
                    f"the cache copied per window; same text on {same} of {prefix.run.n_prompts} windows; "
                    "batch 1 only (left padding moves the prefix), so not used by the batched default"
                ),
            )
        )
    return rows


def _mean_new(run: GenerationRun) -> float:
    return run.new_tokens / run.n_prompts
