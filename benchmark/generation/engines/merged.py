"""A base model with a LoRA adapter merged into its weights, saved once in the cache for vLLM on a CPU.

vLLM's CPU LoRA path decodes ~5x slower than the same model with the adapter merged (measured
2026-12-04: 19 against 93 new tokens/s), so on a CPU the `vllm` engine loads a merged folder.
The folder is named by the base model's fingerprint and the adapter's hash, built in a temporary
folder and renamed into place, so an interrupted merge leaves nothing that looks finished.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from core.hashing import stable_hash


def merged_folder(model_path: str, adapter_dir: Path, *, root: Path) -> Path:
    """The merged model folder for (base, adapter) under `root`, made now if it does not exist."""
    from benchmark.models.fingerprint import local_model_fingerprint
    from benchmark.models.loading import adapter_hash

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
