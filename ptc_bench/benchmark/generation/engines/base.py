"""The engine protocol: generate the pending prompts, batch by batch, in any order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ptc_bench.benchmark.generation.stopping import StopReason

if TYPE_CHECKING:
    from ptc_bench.benchmark.generation.settings import GenSettings


class Generated(NamedTuple):
    """One completion as an engine returns it (the cache adds key, prompt hash and time)."""

    text: str
    stopped: StopReason
    n_prompt_tokens: int
    n_new_tokens: int


class Engine(Protocol):
    """Turns prompts into completions; the caller caches what each yielded batch holds."""

    name: str  # "hf", "vllm", "endpoint"

    def identity(self) -> dict[str, str]:
        """What of the engine changes outputs (its name and version, an endpoint's URL): part of
        the completion cache key and of the run's identity."""
        ...

    def generate(
        self, prompts: Sequence[str], settings: GenSettings, schema: Mapping[str, Any] | None
    ) -> Iterator[list[tuple[int, Generated]]]:
        """Yield finished batches as (index into `prompts`, completion) pairs until all are done."""
        ...
