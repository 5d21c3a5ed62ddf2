"""bitsandbytes settings: the QLoRA 4-bit config, 8-bit, and the CPU repacking fix."""

from __future__ import annotations

from typing import Any, Literal

Quantization = Literal["4bit", "8bit", "none"]
QUANTIZATIONS: tuple[Quantization, ...] = ("4bit", "8bit", "none")
QUANTIZATION_CHOICES: tuple[str, ...] = ("auto", *QUANTIZATIONS)


def resolve_quantization(choice: str) -> Quantization:
    """`auto` -> 4-bit nf4 (QLoRA) on CUDA, none on CPU, where 4-bit is never faster and can be far slower
    (measured: README, "Which path runs where"); an explicit choice passes through."""
    if choice != "auto":
        if choice not in QUANTIZATIONS:
            raise ValueError(
                f"unknown quantization {choice!r}; choose one of {', '.join(QUANTIZATION_CHOICES)}"
            )
        return choice
    import torch

    return "4bit" if torch.cuda.is_available() else "none"


def compute_dtype_name(device_type: str) -> str:
    """bf16 on CUDA devices that support it, else fp16 on CUDA, fp32 on CPU."""
    if device_type == "cuda":
        import torch

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    return "float32"


def quantization_config(quantization: Quantization, device_type: str) -> Any:
    """A `BitsAndBytesConfig` (nf4 + double quant for 4-bit, int8 for 8-bit) or None for "none"."""
    if quantization == "none":
        return None
    import torch
    from transformers import BitsAndBytesConfig

    if quantization == "8bit":
        return BitsAndBytesConfig(load_in_8bit=True)
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=getattr(torch, compute_dtype_name(device_type)),
    )


def disable_cpu_weight_repacking(model: Any) -> int:
    """Stop bitsandbytes repacking 4-bit weights for AVX512-BF16 CPUs; returns the layers changed.

    With repacking on, an eval-mode forward (e.g. evaluation or generation between training
    steps) rewrites `Linear4bit` weights into a CPU-only layout, and the LoRA gradients computed
    afterwards are silently wrong (relative error ~0.9). Turning it off costs a little CPU speed.
    """
    import bitsandbytes as bnb

    changed = 0
    for module in model.modules():
        if isinstance(module, bnb.nn.Linear4bit):
            module.support_avx512bf16_for_cpu = False
            changed += 1
    return changed


def adapter_description(quantization: str, precision: str | None = None) -> str:
    """How status lines name the adapter a quantisation trains: 'a 4-bit QLoRA adapter', ...;
    with a resolved precision (`benchmark.models.precision`), the numerics too: '..., bf16 compute'."""
    kind = {
        "4bit": "a 4-bit QLoRA adapter",
        "8bit": "an 8-bit LoRA adapter",
        "none": "a LoRA adapter (unquantised weights)",
    }.get(quantization, f"a LoRA adapter ({quantization})")
    return kind if precision is None else f"{kind}, {precision} compute"
