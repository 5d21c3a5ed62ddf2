"""Load a causal LM from a folder or hub id (see `benchmark.models.catalogue` for names), quantised or not."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.models.quant import (
    QUANTIZATIONS,
    Quantization,
    disable_cpu_weight_repacking,
    quantization_config,
)
from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import new_digest

ADAPTER_FILES = (
    "adapter_model.safetensors",
    "adapter_model.bin",
    "adapter_config.json",
    "model.safetensors",  # a fully fine-tuned tagger (benchmark.approaches.tagger)
    "tagger.json",
)


@dataclass(frozen=True)
class LoadedModel:
    """A model ready for training or generation, with what is needed to record how it was made."""

    model: Any
    tokenizer: Any
    model_id: str
    revision: str | None
    quantization: Quantization
    device: str
    dtype: str
    precision: str = "fp32"  # `models.precision`: bf16 on a CPU means autocast around the model calls


def resolve_device(device: str) -> str:
    """`auto` -> `cuda` when a GPU is visible, else `cpu`; explicit values pass through."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load_model(
    model_id: str,
    *,
    quantization: Quantization = "4bit",
    device: str = "auto",
    trust_remote_code: bool = False,
    revision: str | None = None,
    precision: str = "auto",
) -> LoadedModel:
    """Load model + tokenizer; 4-bit = nf4 with double quantisation (QLoRA), bf16 compute on CUDA.

    `precision` (`benchmark.models.precision`) is recorded; on CUDA bf16 gives bf16 weights (fp16 where the
    GPU has no bf16) and fp32 gives fp32; on a CPU the weights stay fp32 (bf16 there is autocast).
    """
    if quantization not in QUANTIZATIONS:
        raise UserError(f"unknown quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}")
    source = model_id  # a folder or hub id: `catalogue.resolve_model` turns names into folders
    device_type = resolve_device(device).split(":")[0]
    config = _load_config(model_id, source, revision, trust_remote_code)
    import torch
    from transformers import AutoModelForCausalLM

    from ptc_bench.benchmark.models.precision import resolve_precision

    numerics = resolve_precision(precision, device_type)
    dtype = torch.float32
    if device_type == "cuda" and numerics == "bf16":
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    tokenizer = load_tokenizer(source, revision=revision, trust_remote_code=trust_remote_code)
    model = AutoModelForCausalLM.from_pretrained(
        source,
        revision=revision,
        trust_remote_code=trust_remote_code,
        quantization_config=quantization_config(quantization, device_type),
        dtype=dtype,
        device_map=_device_map(device_type, device),
    )
    if device_type == "cpu" and quantization == "4bit":
        disable_cpu_weight_repacking(model)
    if model.generation_config.pad_token_id is None:
        model.generation_config.pad_token_id = tokenizer.pad_token_id
    return LoadedModel(
        model=model,
        tokenizer=tokenizer,
        model_id=model_id,
        revision=model_revision(source, revision or getattr(config, "_commit_hash", None)),
        quantization=quantization,
        device=device_type,
        dtype=str(dtype).removeprefix("torch."),
        precision=numerics,
    )


def model_revision(source: str, revision: str | None) -> str | None:
    """The hub revision, else for a local folder the content fingerprint of its files (`sha256:...`).

    A folder has no revision; without the fingerprint new weights in the same folder would be taken
    for the old model by the completion cache and the run records.
    """
    if revision is not None:
        return revision
    from ptc_bench.benchmark.models.fingerprint import local_model_fingerprint

    fingerprint = local_model_fingerprint(source)
    return f"sha256:{fingerprint}" if fingerprint is not None else None


def load_tokenizer(source: str, *, revision: str | None = None, trust_remote_code: bool = False) -> Any:
    """The model's tokenizer with a pad token (its eos or unk, never a new one) and left padding."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(
            source, revision=revision, trust_remote_code=trust_remote_code
        )
    except (OSError, ValueError) as error:  # not found, not a tokenizer, or code it may not run
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        raise UserError(f"cannot load a tokenizer from {source}: {first_line}") from None
    if tokenizer.pad_token is None:
        fallback = tokenizer.eos_token or tokenizer.unk_token
        if fallback is None:
            raise UserError(f"{source}: the tokenizer has no pad, eos or unk token to pad with")
        tokenizer.pad_token = fallback
    return use_left_padding(tokenizer)


def use_left_padding(tokenizer: Any) -> Any:
    """Pad on the left, as batched generation with a decoder-only model needs; returns the tokenizer."""
    tokenizer.padding_side = "left"
    return tokenizer


def load_adapter(loaded: LoadedModel, adapter_dir: Path) -> Any:
    """The base model of `loaded` wrapped with the LoRA adapter saved in `adapter_dir` (inference)."""
    from ptc_bench.benchmark.models.adapter_check import verify_adapter

    adapter_dir = Path(adapter_dir)
    verify_adapter(adapter_dir)
    from peft import PeftModel

    model = PeftModel.from_pretrained(loaded.model, str(adapter_dir), is_trainable=False)
    if loaded.device == "cpu" and loaded.quantization == "4bit":
        disable_cpu_weight_repacking(model)
    model.eval()
    return model


def adapter_base_model(adapter_dir: Path) -> str | None:
    """The base model path or id an adapter was trained on (peft's `base_model_name_or_path`)."""
    base = _adapter_config(adapter_dir).get("base_model_name_or_path")
    return str(base) if base else None


def adapter_rank(adapter_dir: Path) -> int | None:
    """The LoRA rank `r` of a saved peft adapter (None when its config cannot be read)."""
    rank = _adapter_config(adapter_dir).get("r")
    return rank if isinstance(rank, int) else None


def _adapter_config(adapter_dir: Path) -> dict[str, Any]:
    """A saved adapter's adapter_config.json; empty when it cannot be read or is not an object."""
    try:
        config = json.loads((Path(adapter_dir) / "adapter_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


def adapter_hash(adapter_dir: Path) -> str:
    """sha256 over the adapter weights and config: identifies an adapter in caches and results."""
    adapter_dir = Path(adapter_dir)
    digest = new_digest()
    found = False
    for name in ADAPTER_FILES:
        path = adapter_dir / name
        if path.is_file():
            found = True
            digest.update(name.encode() + b"\0")
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    if not found:
        raise UserError(f"{adapter_dir}: no adapter files ({', '.join(ADAPTER_FILES)})")
    return digest.hexdigest()


def _device_map(device_type: str, device: str) -> Any:
    """Place the whole model on this process's GPU (data parallel friendly) or on the CPU."""
    if device_type == "cuda":
        if device in ("auto", "cuda"):
            from accelerate import PartialState

            return {"": PartialState().local_process_index}
        return {"": device}
    return {"": "cpu"}


def _load_config(model_id: str, source: str, revision: str | None, trust_remote_code: bool) -> Any:
    """The model config, or one clear UserError line when the model cannot be found."""
    if source.startswith((".", "/", "~")) and not Path(source).expanduser().exists():
        raise UserError(f"model folder not found: {source} (pass --model /path/to/folder or a hub id)")
    from transformers import AutoConfig

    try:
        return AutoConfig.from_pretrained(source, revision=revision, trust_remote_code=trust_remote_code)
    except (OSError, ValueError) as error:
        if "trust_remote_code" in str(error):
            raise UserError(
                f"model {model_id!r} ships its own code; pass --trust-remote-code to run it"
            ) from error
        offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
        where = "the local Hugging Face cache (offline mode)" if offline else "the hub or the local cache"
        raise UserError(
            f"model {model_id!r} not found in {where}; point at a local folder with --model /path/to/folder "
            f"or download it first (hf download {model_id})"
        ) from error
