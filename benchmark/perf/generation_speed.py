"""Generation: our batched, length-sorted, early-stopping generation vs one prompt at a time with a
fixed max_new_tokens (the notebook way), on the same dev windows and the same model."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmark.perf.rows import PerfRow, Target, make_row

SECTION = "generation"


@dataclass(frozen=True)
class GenerationRun:
    """Wall time over the prompts and what was generated."""

    seconds: float
    n_prompts: int
    new_tokens: int
    stop_reasons: dict[str, int]

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
    """benchmark.generate.generate_completions without a cache, greedy."""
    from benchmark.generate import GenSettings, generate_completions

    settings = GenSettings(max_new_tokens=max_new_tokens, batch_size=batch_size)
    started = time.perf_counter()
    completions = generate_completions(
        model, tokenizer, prompts, settings, cache=None, model_key="perf", progress=False
    )
    seconds = time.perf_counter() - started
    reasons = Counter(str(c.stopped) for c in completions)
    return GenerationRun(seconds, len(prompts), sum(c.n_new_tokens for c in completions), dict(reasons))


def run_naive(model: Any, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int) -> GenerationRun:
    """One prompt at a time, greedy, stopping only at end-of-sequence or `max_new_tokens`."""
    import torch

    reasons: Counter[str] = Counter()
    new_tokens = 0
    started = time.perf_counter()
    for prompt in prompts:
        encoded = tokenizer(prompt, return_tensors="pt")
        with torch.inference_mode():
            output = model.generate(
                **encoded, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=tokenizer.pad_token_id
            )
        generated = int(output.shape[1] - encoded["input_ids"].shape[1])
        new_tokens += generated
        reasons["max_new_tokens" if generated >= max_new_tokens else "eos"] += 1
    seconds = time.perf_counter() - started
    return GenerationRun(seconds, len(prompts), new_tokens, dict(reasons))


def warm_up(model: Any, tokenizer: Any, prompt: str) -> None:
    """One short generation so that neither side pays first-call costs."""
    import torch

    encoded = tokenizer(prompt, return_tensors="pt")
    with torch.inference_mode():
        model.generate(**encoded, max_new_tokens=4, do_sample=False, pad_token_id=tokenizer.pad_token_id)


def generation_rows(
    ours: GenerationRun, naive: GenerationRun, *, batch_size: int, max_new_tokens: int, model_note: str
) -> list[PerfRow]:
    """windows/s (target >= 8x) and mean new tokens per window, with the stop reasons in the notes."""
    return [
        make_row(
            SECTION,
            "windows / s",
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
            "new tokens / window",
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
