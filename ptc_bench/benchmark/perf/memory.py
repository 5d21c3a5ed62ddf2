"""Memory: peak RSS of a few QLoRA (4-bit) training steps vs fp32 LoRA on the CPU, each in a fresh process;
on CUDA also the peak allocated GPU memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

from ptc_bench.benchmark.perf.rows import PerfRow, Target, make_row, skipped_row
from ptc_bench.core.errors import UserError

SECTION = "memory"
MIB = 1024 * 1024


@dataclass(frozen=True)
class MemoryResult:
    """One worker's measurement (bytes)."""

    mode: str
    baseline_rss: int
    peak_rss: int
    cuda_peak: int | None
    n_parameters: int


def fresh_rusage_argv(argv: list[str]) -> list[str]:
    """Run `argv` as a grandchild through /bin/sh so that its ru_maxrss starts from zero.

    Linux keeps ru_maxrss across execve, and Python starts children with vfork: a direct child
    would report this (large) process's peak RSS as its own. A shell that forks the command gets a
    fresh signal struct and a small address space to copy.
    """
    if not os.path.exists("/bin/sh"):
        return argv
    return ["/bin/sh", "-c", '"$@"; exit $?', "perf-memory", *argv]


def measure(model_path: str, mode: str, *, device: str, steps: int, seq_len: int, batch: int) -> MemoryResult:
    """Run benchmark.perf.memory_worker in a fresh interpreter and read its JSON line."""
    argv = [
        sys.executable,
        "-m",
        "ptc_bench.benchmark.perf.memory_worker",
        "--model",
        model_path,
        "--mode",
        mode,
    ]
    argv += ["--device", device, "--steps", str(steps), "--seq-len", str(seq_len), "--batch", str(batch)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(fresh_rusage_argv(argv), capture_output=True, text=True, env=env)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise UserError(f"memory worker ({mode}) failed: {tail[0]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return MemoryResult(
        mode,
        int(data["baseline_rss_bytes"]),
        int(data["peak_rss_bytes"]),
        None if data["cuda_peak_bytes"] is None else int(data["cuda_peak_bytes"]),
        int(data["n_parameters"]),
    )


def memory_rows(
    qlora: MemoryResult, lora32: MemoryResult, *, steps: int, seq_len: int, batch: int, small_model: bool
) -> list[PerfRow]:
    """Peak RSS and peak RSS above the post-import baseline; CUDA peak when measured on a GPU."""
    shape = f"{steps} steps, batch {batch} x {seq_len} tokens, LoRA all-linear, gradient checkpointing"
    caveat = (
        "; with a model this small the difference is noise (allocator, library buffers), not weights"
        if small_model
        else ""
    )
    better_than_full = Target("ratio_above", 1.0)
    rows = [
        make_row(
            SECTION,
            "peak RSS, QLoRA vs fp32 LoRA (CPU)",
            ours=qlora.peak_rss / MIB,
            naive=lora32.peak_rss / MIB,
            unit="MiB",
            target=better_than_full,
            notes=(
                f"fresh process each; {shape}; fp32 is the CPU's unquantised path (bf16 has no fast kernels "
                f"without AVX512-BF16/AMX); model ~{lora32.n_parameters / 1e6:.1f}M parameters{caveat}"
            ),
        ),
        make_row(
            SECTION,
            "peak RSS above import baseline (CPU)",
            ours=max(qlora.peak_rss - qlora.baseline_rss, 0) / MIB,
            naive=max(lora32.peak_rss - lora32.baseline_rss, 0) / MIB,
            unit="MiB",
            target=better_than_full,
            notes=(
                f"peak minus the peak right after importing torch/transformers/peft/bitsandbytes "
                f"(~{lora32.baseline_rss / MIB:.0f} MiB, same in both){caveat}"
            ),
        ),
    ]
    return rows


def cuda_memory_row(qlora: MemoryResult | None, lora16: MemoryResult | None) -> PerfRow:
    """Peak allocated CUDA memory of the same steps on a GPU; skipped without one."""
    name = "peak CUDA allocated, QLoRA vs 16-bit LoRA"
    target = Target("ratio_above", 1.0)
    if qlora is None or lora16 is None or qlora.cuda_peak is None or lora16.cuda_peak is None:
        return skipped_row(SECTION, name, unit="MiB", target=target, notes="not measured: no CUDA device")
    return make_row(
        SECTION,
        name,
        ours=qlora.cuda_peak / MIB,
        naive=lora16.cuda_peak / MIB,
        unit="MiB",
        target=target,
        notes="torch.cuda.max_memory_allocated in a fresh process each",
    )
