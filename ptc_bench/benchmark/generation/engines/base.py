"""The engine protocol: generate the pending prompts, batch by batch, in any order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
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

    def check(self) -> None:
        """One UserError line when the engine cannot serve (an endpoint that does not answer)."""
        ...


@dataclass(frozen=True)
class EngineRequest:
    """What an engine is built from; each engine's `create` reads the fields it needs."""

    model: Any = None  # a model loaded in this process (engines that load the model)
    tokenizer: Any = None
    model_path: str | None = None  # a model folder an engine is started on
    precision: str = "fp32"
    device_type: str = "cpu"
    lora: tuple[str, Path] | None = None  # (name, adapter folder) served as a LoRA request
    lora_capacity: int | None = None
    seed: int = 0
    log_path: Path | None = None
    endpoint: str | None = None  # a served model: its base URL and served name
    served_name: str | None = None
    chat: bool = False
    key_variable: str = "OPENAI_API_KEY"
    concurrency: int = 8
    timeout: float = 120.0
