"""Data-parallel generation under `accelerate launch`: shard the prompts, generate, gather.

Launch: `accelerate launch --multi_gpu --num_processes N -m benchmark.cli ...` (on a CPU-only
machine the same command runs N CPU processes on the gloo backend; see `process_state`).

Prompts are sorted by token length and dealt out round-robin (rank r takes positions r, r+N, ...),
so every rank gets a similar mix of long and short prompts. Each rank appends its finished batches
to its own cache shard (`<cache>.rank<r>.jsonl`: no two processes ever append to one file, and a
killed run keeps every finished batch of every rank); after the gather, rank 0 merges the shards
into the main cache file. Every rank returns all completions, in input order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ptc_bench.benchmark.generation.cache import CompletionCache
from ptc_bench.benchmark.generation.engines.base import Engine
from ptc_bench.benchmark.generation.generate import Completion, GenSettings, generate_completions


def process_state() -> Any:
    """accelerate's `PartialState`, on the CPU (gloo) when no CUDA device exists.

    `accelerate launch --multi_gpu` on a CPU-only machine starts the processes through torchrun, but
    a default `PartialState()` there would not join them; `cpu=True` makes them one MULTI_CPU group.
    """
    import torch
    from accelerate import PartialState

    return PartialState(cpu=not torch.cuda.is_available())


def length_sorted_indices(tokenizer: Any, prompts: Sequence[str]) -> list[int]:
    """Prompt indices, longest (in tokens) first; ties keep input order."""
    if not prompts:
        return []
    lengths = [len(ids) for ids in tokenizer(list(prompts))["input_ids"]]
    return sorted(range(len(prompts)), key=lambda index: -lengths[index])


def shard_indices(order: Sequence[int], rank: int, world_size: int) -> list[int]:
    """The positions of `order` that rank `rank` of `world_size` generates (interleaved)."""
    return list(order[rank::world_size])


def generate_completions_distributed(
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
    """`generate_completions` over all processes of this accelerate launch; every rank gets all results."""
    from accelerate.utils import gather_object

    state = process_state()
    if state.num_processes == 1:
        return generate_completions(
            model, tokenizer, prompts, settings,
            cache=cache, model_key=model_key, progress=progress, no_cache=no_cache, schema=schema,
            engine=engine,
        )  # fmt: skip
    mine = shard_indices(length_sorted_indices(tokenizer, prompts), state.process_index, state.num_processes)
    completions = generate_completions(
        model,
        tokenizer,
        [prompts[index] for index in mine],
        settings,
        cache=cache.for_rank(state.process_index) if cache is not None else None,
        model_key=model_key,
        progress=progress and state.is_main_process,
        no_cache=no_cache,
        schema=schema,
        engine=engine,
    )
    gathered: list[tuple[int, Completion]] = gather_object(list(zip(mine, completions, strict=True)))
    if cache is not None:
        state.wait_for_everyone()  # every shard is complete before rank 0 folds them in
        if state.is_main_process:
            cache.merge_shards()
        state.wait_for_everyone()
        cache.reload()
    results: list[Completion | None] = [None] * len(prompts)
    for index, completion in gathered:
        results[index] = completion
    missing = [index for index, completion in enumerate(results) if completion is None]
    if missing:
        raise RuntimeError(f"gather lost the completions of prompts {missing[:5]}")
    return [completion for completion in results if completion is not None]
