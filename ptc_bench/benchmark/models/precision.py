"""Numerics of training and generation: fp32, or bf16 autocast where the device computes bf16 natively.

`auto` picks by machine: bf16 on CUDA (QLoRA's compute dtype), bf16 autocast on a CPU with native
bf16 arithmetic (AVX512-BF16 or AMX: measured 1.8x fp32's training speed), fp32 on other CPUs (where
bf16 is emulated and many times slower). Weights and LoRA parameters stay fp32 on a CPU; autocast
runs the matrix products in bf16.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from ptc_bench.core.errors import UserError

Precision = Literal["fp32", "bf16"]
PRECISIONS: tuple[Precision, ...] = ("fp32", "bf16")
PRECISION_CHOICES: tuple[str, ...] = ("auto", *PRECISIONS)
NATIVE_BF16_FLAGS: tuple[str, ...] = ("avx512_bf16", "amx_bf16")
CPUINFO = Path("/proc/cpuinfo")


def cpu_flags(cpuinfo: Path = CPUINFO) -> frozenset[str]:
    """The feature flags of the first CPU in /proc/cpuinfo (empty where there is none, e.g. macOS)."""
    try:
        with cpuinfo.open(encoding="utf-8") as handle:
            line = next((line for line in handle if line.startswith("flags")), "")
    except OSError:
        return frozenset()
    return frozenset(line.partition(":")[2].split())


def native_bf16(flags: Collection[str] | None = None) -> bool:
    """True when the CPU advertises native bf16 arithmetic (AVX512-BF16 or AMX)."""
    present = cpu_flags() if flags is None else flags
    return any(flag in present for flag in NATIVE_BF16_FLAGS)


def resolve_precision(choice: str, device_type: str, flags: Collection[str] | None = None) -> Precision:
    """`auto` -> bf16 on CUDA and on CPUs with native bf16, else fp32; explicit choices pass through."""
    if choice not in PRECISION_CHOICES:
        raise UserError(f"unknown precision {choice!r}; choose one of {', '.join(PRECISION_CHOICES)}")
    if choice != "auto":
        return "bf16" if choice == "bf16" else "fp32"
    if device_type == "cuda":
        return "bf16"
    return "bf16" if native_bf16(flags) else "fp32"


def default_device_type() -> str:
    """`cuda` when a GPU is visible, else `cpu` (imports torch)."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@contextmanager
def cpu_autocast(precision: str, device_type: str) -> Iterator[None]:
    """bf16 autocast on a CPU when `precision` is bf16; nothing otherwise (CUDA weights are bf16 already)."""
    import torch

    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16" and device_type == "cpu"):
        yield
