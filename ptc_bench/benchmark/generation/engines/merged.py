"""How vLLM takes a LoRA adapter: merged into the weights on a CPU, a `LoRARequest` on CUDA.

vLLM's CPU LoRA path decodes ~5x slower than the same model with the adapter merged (measured
2026-12-04: 19 against 93 new tokens/s), so on a CPU the `vllm` engine loads a merged folder,
saved once in the cache. The folder is named by the base model's fingerprint and the adapter's
hash, built in a temporary folder and renamed into place, so an interrupted merge leaves nothing
that looks finished. On CUDA one engine serves the base model and any number of adapters.
`PTC_BENCH_VLLM_ADAPTERS=merge|lora` overrides the choice (e.g. to run the CUDA path on a CPU).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import stable_hash

ADAPTER_MODE_VARIABLE = "PTC_BENCH_VLLM_ADAPTERS"
ADAPTER_MODES = ("merge", "lora")


def adapter_mode(device_type: str) -> str:
    """`merge` on a CPU, `lora` on CUDA, unless PTC_BENCH_VLLM_ADAPTERS says otherwise."""
    chosen = os.environ.get(ADAPTER_MODE_VARIABLE, "").strip()
    if not chosen:
        return "lora" if device_type == "cuda" else "merge"
    if chosen not in ADAPTER_MODES:
        raise UserError(f"{ADAPTER_MODE_VARIABLE}={chosen!r}: expected one of {', '.join(ADAPTER_MODES)}")
    return chosen


@dataclass(frozen=True)
class VLLMTarget:
    """What a vLLM engine loads for one system: a model folder, and the adapter it requests, if any."""

    model_path: str
    lora: tuple[str, Path] | None = None  # (LoRARequest name, adapter folder)


def vllm_target(
    model_path: str, adapter_dir: Path | None, device_type: str, *, root: Path,
    report: Callable[[str], None] = lambda message: None,
) -> VLLMTarget:  # fmt: skip
    """The base model (no adapter), the merged folder (mode `merge`) or the base with a LoRA request."""
    if adapter_dir is None:
        return VLLMTarget(model_path)
    from ptc_bench.benchmark.models.loading import adapter_hash

    if adapter_mode(device_type) == "lora":
        return VLLMTarget(model_path, (f"adapter-{adapter_hash(adapter_dir)[:12]}", Path(adapter_dir)))
    report("merging the adapter into the weights for vLLM (once per adapter; cached)")
    return VLLMTarget(str(merged_folder(model_path, adapter_dir, root=root)))


def merged_folder(model_path: str, adapter_dir: Path, *, root: Path) -> Path:
    """The merged model folder for (base, adapter) under `root`, made now if it does not exist."""
    from ptc_bench.benchmark.models.fingerprint import local_model_fingerprint
    from ptc_bench.benchmark.models.loading import adapter_hash

    name = stable_hash([local_model_fingerprint(model_path) or model_path, adapter_hash(adapter_dir)], 24)
    target = root / "merged" / name
    if (target / "config.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
    try:
        _merge_into(model_path, adapter_dir, staging)
        staging.rename(target)
    except OSError:
        if not (target / "config.json").is_file():  # another process may have won the rename
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _merge_into(model_path: str, adapter_dir: Path, out_dir: Path) -> None:
    """peft's `merge_and_unload` on the fp32 base, saved with the base's tokenizer and generation config."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = AutoModelForCausalLM.from_pretrained(model_path, dtype="float32")
    merged = PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
    merged.save_pretrained(str(out_dir))
    AutoTokenizer.from_pretrained(model_path).save_pretrained(str(out_dir))
