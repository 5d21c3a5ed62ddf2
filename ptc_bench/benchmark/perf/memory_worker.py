"""Subprocess entry point: a few LoRA training steps in a fresh process, then print its peak memory.

`python -m benchmark.perf.memory_worker --model PATH --mode qlora|lora16 ...` prints one JSON line:
peak RSS (ru_maxrss), the RSS peak right after the imports (the shared baseline), and on CUDA the peak
allocated GPU memory. QLoRA loads the model as our recipe does (4-bit nf4 + prepare_model_for_kbit_training);
16-bit LoRA loads it in bf16 with no quantisation.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from collections.abc import Sequence
from typing import Any


def peak_rss_bytes() -> int:
    """This process's peak resident set size so far, in bytes."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss if sys.platform == "darwin" else rss * 1024)


def load_for_mode(model_path: str, mode: str, device: str, gradient_checkpointing: bool) -> Any:
    """The base model of one mode, ready for get_peft_model."""
    import torch
    from transformers import AutoModelForCausalLM

    if mode == "qlora":
        from peft import prepare_model_for_kbit_training

        from ptc_bench.benchmark.models.loading import load_model

        model = load_model(model_path, quantization="4bit", device=device).model
        return prepare_model_for_kbit_training(
            model,
            use_gradient_checkpointing=gradient_checkpointing,
            gradient_checkpointing_kwargs={"use_reentrant": False},
        )
    dtype = torch.float32 if mode == "lora32" else torch.bfloat16
    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=dtype, device_map={"": device})
    if gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    return model


def train_steps(model: Any, *, steps: int, batch: int, seq_len: int, seed: int = 0) -> float:
    """`steps` AdamW steps of causal LM loss on seeded random tokens; returns the last loss."""
    import torch

    from ptc_bench.benchmark.models.quant import disable_cpu_weight_repacking

    disable_cpu_weight_repacking(model)
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    vocab = int(model.config.vocab_size)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-4)
    model.train()
    loss_value = float("nan")
    for _ in range(steps):
        ids = torch.randint(0, vocab, (batch, seq_len), generator=generator).to(device)
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss_value = float(loss.detach())
    return loss_value


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, measure, print one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m benchmark.perf.memory_worker")
    parser.add_argument("--model", required=True)
    parser.add_argument("--mode", choices=("qlora", "lora16", "lora32"), required=True)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--seq-len", type=int, default=256)
    parser.add_argument("--lora-r", type=int, default=16)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    import bitsandbytes  # noqa: F401  (both modes pay the same imports before the baseline)
    import peft
    import torch
    import transformers  # noqa: F401

    baseline = peak_rss_bytes()
    cuda = args.device.startswith("cuda")
    model = load_for_mode(args.model, args.mode, args.device, gradient_checkpointing=True)
    n_parameters = sum(p.numel() for p in model.parameters())  # 4-bit weights count packed (2 per byte)
    lora = peft.LoraConfig(
        r=args.lora_r, lora_alpha=2 * args.lora_r, target_modules="all-linear", task_type="CAUSAL_LM"
    )
    model = peft.get_peft_model(model, lora)
    for parameter in model.parameters():
        if parameter.requires_grad and parameter.dtype != torch.float32:
            parameter.data = parameter.data.float()
    loss = train_steps(model, steps=args.steps, batch=args.batch, seq_len=args.seq_len)
    result = {
        "mode": args.mode,
        "device": args.device,
        "n_parameters": n_parameters,
        "baseline_rss_bytes": baseline,
        "peak_rss_bytes": peak_rss_bytes(),
        "cuda_peak_bytes": int(torch.cuda.max_memory_allocated()) if cuda else None,
        "loss": loss,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
