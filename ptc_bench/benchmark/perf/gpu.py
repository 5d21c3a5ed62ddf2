"""GPU rows (CUDA only): QLoRA training throughput, peak memory and MFU of a 7B-shaped random Llama at
sequence lengths 1,024 and 2,048, and 4-bit generation tokens/s at batch 1 and 32. Skipped on CPU."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.perf.random_llama import PRESETS, build_random_llama, parameter_count
from ptc_bench.benchmark.perf.rows import PerfRow, make_row, skipped_row

SECTION = "gpu"
PEAK_BF16_FLOPS = 790e12  # measured bf16 dense peak of the H200 we report against
SEQ_LENGTHS = (1024, 2048)
GEN_BATCHES = (1, 32)
TRAIN_BATCH = 4
GEN_PROMPT_TOKENS = 128
GEN_NEW_TOKENS = 128
MIB = 1024 * 1024


@dataclass(frozen=True)
class TrainThroughput:
    """Timed QLoRA steps at one sequence length."""

    seq_len: int
    tokens_per_second: float
    peak_bytes: int


def row_names() -> list[tuple[str, str]]:
    """(name, unit) of every GPU row, in order, so CPU runs list them as skipped."""
    names: list[tuple[str, str]] = []
    for seq in SEQ_LENGTHS:
        names += [
            (f"QLoRA train tokens/s, 7B random, seq {seq:,}", "tokens/s"),
            (f"QLoRA train peak memory, 7B random, seq {seq:,}", "MiB"),
            (f"MFU, QLoRA 7B, seq {seq:,}", "fraction"),
        ]
    names += [(f"4-bit generation tokens/s, 7B random, batch {b}", "tokens/s") for b in GEN_BATCHES]
    return names


def gpu_rows(*, quick: bool, report: Callable[[str], None]) -> list[PerfRow]:
    """Measured rows on CUDA; every row skipped with a note elsewhere (or when the GPU run fails)."""
    import torch

    if not torch.cuda.is_available():
        return _all_skipped("not measured: no CUDA device on this machine")
    try:
        return _measure(quick=quick, report=report)
    except Exception as error:  # a GPU failure must not lose the CPU rows; say what happened
        return _all_skipped(f"GPU measurement failed: {type(error).__name__}: {error}")


def _all_skipped(note: str) -> list[PerfRow]:
    return [skipped_row(SECTION, name, unit=unit, notes=note) for name, unit in row_names()]


def _measure(*, quick: bool, report: Callable[[str], None]) -> list[PerfRow]:
    import torch

    shape = PRESETS["7b"]
    n_params = parameter_count(shape)
    device_name = torch.cuda.get_device_name(0)
    rows: list[PerfRow] = []
    with tempfile.TemporaryDirectory(prefix="perf-7b-") as folder:
        report("building a 7B-shaped Llama with random weights on the GPU (saved to a temp dir)")
        build_random_llama(Path(folder), shape, device="cuda")
        torch.cuda.empty_cache()
        model = _load_4bit(folder)
        warm, timed = (1, 3) if quick else (2, 8)
        for seq in SEQ_LENGTHS:
            report(f"timing QLoRA steps at seq {seq}")
            result = _train_throughput(model, seq, warm, timed)
            note = f"{device_name}; batch {TRAIN_BATCH}, {timed} timed steps after {warm} warm-up, LoRA r=16"
            mfu = 6 * n_params * result.tokens_per_second / PEAK_BF16_FLOPS
            rows += [
                make_row(
                    SECTION,
                    f"QLoRA train tokens/s, 7B random, seq {seq:,}",
                    ours=result.tokens_per_second,
                    naive=None,
                    unit="tokens/s",
                    better="higher",
                    notes=note,
                ),
                make_row(
                    SECTION,
                    f"QLoRA train peak memory, 7B random, seq {seq:,}",
                    ours=result.peak_bytes / MIB,
                    naive=None,
                    unit="MiB",
                    notes="torch.cuda.max_memory_allocated",
                ),
                make_row(
                    SECTION,
                    f"MFU, QLoRA 7B, seq {seq:,}",
                    ours=mfu,
                    naive=None,
                    unit="fraction",
                    better="higher",
                    notes=f"6 x {n_params / 1e9:.2f}B params x tokens/s / 790 TFLOP/s",
                ),
            ]
        model = model.unload() if hasattr(model, "unload") else model
        for batch in GEN_BATCHES:
            report(f"timing 4-bit generation at batch {batch}")
            rate = _generation_rate(model, batch, shape.vocab_size)
            rows.append(
                make_row(
                    SECTION,
                    f"4-bit generation tokens/s, 7B random, batch {batch}",
                    ours=rate,
                    naive=None,
                    unit="tokens/s",
                    better="higher",
                    notes=f"{device_name}; "
                    f"{GEN_PROMPT_TOKENS}-token prompts, {GEN_NEW_TOKENS} new tokens per row",
                )
            )
    return rows


def _load_4bit(folder: str) -> Any:
    """The saved model in 4-bit nf4 (our QLoRA config) with LoRA adapters on every linear layer."""
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import AutoModelForCausalLM

    from ptc_bench.benchmark.models.quant import quantization_config

    model = AutoModelForCausalLM.from_pretrained(
        folder, quantization_config=quantization_config("4bit", "cuda"), device_map={"": 0}
    )
    model = prepare_model_for_kbit_training(
        model, use_gradient_checkpointing=True, gradient_checkpointing_kwargs={"use_reentrant": False}
    )
    lora = LoraConfig(
        r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM"
    )
    return get_peft_model(model, lora)


def _train_throughput(model: Any, seq_len: int, warm: int, timed: int) -> TrainThroughput:
    """Tokens/s over `timed` steps (after `warm` untimed ones) and the peak allocated memory."""
    import bitsandbytes as bnb
    import torch

    optimizer = bnb.optim.PagedAdamW8bit([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    vocab = int(model.config.vocab_size)
    model.train()
    torch.cuda.reset_peak_memory_stats()

    def step() -> None:
        ids = torch.randint(0, vocab, (TRAIN_BATCH, seq_len), device="cuda")
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    for _ in range(warm):
        step()
    torch.cuda.synchronize()
    started = time.perf_counter()
    for _ in range(timed):
        step()
    torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    return TrainThroughput(
        seq_len, TRAIN_BATCH * seq_len * timed / seconds, int(torch.cuda.max_memory_allocated())
    )


def _generation_rate(model: Any, batch: int, vocab: int) -> float:
    """New tokens per second generating exactly GEN_NEW_TOKENS per row from random prompts."""
    import torch

    model.eval()
    ids = torch.randint(0, vocab, (batch, GEN_PROMPT_TOKENS), device="cuda")
    options = {"max_new_tokens": GEN_NEW_TOKENS, "min_new_tokens": GEN_NEW_TOKENS, "do_sample": False}
    with torch.inference_mode():
        model.generate(input_ids=ids, max_new_tokens=4, do_sample=False)  # warm-up
        torch.cuda.synchronize()
        started = time.perf_counter()
        model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **options)
        torch.cuda.synchronize()
    return batch * GEN_NEW_TOKENS / (time.perf_counter() - started)
