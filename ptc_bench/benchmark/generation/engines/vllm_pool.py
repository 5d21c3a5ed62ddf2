"""Started vLLM engines, kept for reuse inside a `shared_engines()` block.

Starting vLLM costs 15-30 s on a CPU and more with CUDA graphs, and a machine holds one engine at a
time. Inside `shared_engines()` (a run's systems; every cross-evaluation of `bench compare`) an
engine on the same model folder and numerics is started once and reused, and LoRA adapters go to
it as requests: with LoRA, one engine serves the base model and every adapter (multi-LoRA). A
request for another folder or more LoRA capacity stops the engine held and starts the new one.
Outside a block each `VLLMEngine` starts and stops its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ptc_bench.core.errors import UserError

LOG = logging.getLogger(__name__)
LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)  # the max_lora_rank values vLLM accepts


def lora_capacity(rank: int) -> int:
    """The smallest `max_lora_rank` vLLM accepts that holds an adapter of rank `rank`."""
    for allowed in LORA_RANKS:
        if rank <= allowed:
            return allowed
    raise UserError(f"LoRA rank {rank}: vLLM serves adapters up to rank {LORA_RANKS[-1]}")


@dataclass(frozen=True)
class EngineKey:
    """What a started engine was started on; an engine is reused only for the same key."""

    model_path: str
    dtype: str
    device_type: str
    seed: int


@dataclass
class StartedEngine:
    """A started `vllm.LLM`, its key, its LoRA capacity (None: LoRA off) and the adapter ids it gave."""

    llm: Any
    key: EngineKey
    lora_rank: int | None
    lora_ids: dict[str, int] = field(default_factory=dict)

    def fits(self, key: EngineKey, lora_rank: int | None) -> bool:
        """Same folder and numerics, and LoRA capacity enough for `lora_rank` (None: none needed)."""
        if key != self.key:
            return False
        return lora_rank is None or (self.lora_rank is not None and lora_rank <= self.lora_rank)

    def lora_id(self, name: str) -> int:
        """vLLM's integer id for the adapter `name` (ids name adapters inside the engine: one each)."""
        return self.lora_ids.setdefault(name, len(self.lora_ids) + 1)

    def stop(self) -> None:
        """Shut the engine (and its engine-core process) down so the next one gets cores and memory."""
        engine = getattr(self.llm, "llm_engine", None)
        shutdown = getattr(engine, "shutdown", None) or getattr(
            getattr(engine, "engine_core", None), "shutdown", None
        )
        if callable(shutdown):
            shutdown()
        self.llm = None
        import gc

        gc.collect()


class EnginePool:
    """At most one started engine, reused while requests fit it."""

    def __init__(self, min_lora_rank: int | None = None) -> None:
        self.min_lora_rank = min_lora_rank
        self.held: StartedEngine | None = None
        self.starts = 0

    def acquire(
        self, key: EngineKey, lora_rank: int | None, start: Callable[[int | None], Any]
    ) -> StartedEngine:
        """The held engine if it fits; else the held one stopped and a new one started."""
        if self.held is not None and self.held.fits(key, lora_rank):
            LOG.info("reusing the vLLM engine on %s (LoRA capacity %s)", key.model_path, self.held.lora_rank)
            return self.held
        self.close()
        if lora_rank is not None:
            lora_rank = lora_capacity(max(lora_rank, self.min_lora_rank or 0))
        self.held = StartedEngine(start(lora_rank), key, lora_rank)
        self.starts += 1
        LOG.info("started a vLLM engine on %s (LoRA capacity %s)", key.model_path, lora_rank)
        return self.held

    def close(self) -> None:
        """Stop the held engine, if any."""
        if self.held is not None:
            self.held.stop()
            self.held = None


_POOL: ContextVar[EnginePool | None] = ContextVar("ptc_bench_vllm_pool", default=None)


def active_pool() -> EnginePool | None:
    """The pool of the innermost `shared_engines()` block, or None outside one."""
    return _POOL.get()


@contextmanager
def shared_engines(min_lora_rank: int | None = None) -> Iterator[EnginePool]:
    """Within the block, vLLM engines are started once and reused; the one held is stopped at the end.

    `min_lora_rank`: start a LoRA engine with at least this capacity (the largest adapter rank
    a `bench compare` will request), so that no later adapter needs a restart. A nested block uses
    the outer block's pool.
    """
    outer = _POOL.get()
    if outer is not None:
        yield outer
        return
    pool = EnginePool(min_lora_rank)
    token = _POOL.set(pool)
    try:
        yield pool
    finally:
        _POOL.reset(token)
        pool.close()
