"""Which numerics path to use on a CPU: LoRA training steps and generation, measured side by side.

    python -m benchmark.perf.cpu_paths --model smollm2-135m [--paths fp32,fp32-gc,bf16,4bit]

Each path runs in its own process (so peak memory and thread pools do not leak between them) on the
same batch of name-calling training windows of the sample corpus (chat prompts): a LoRA training
step (r 16, all linear layers, AdamW) repeated `--steps` times, then greedy generation of
`--new-tokens` tokens for 8 prompts at batch 8. The README's "Which path runs where" table comes
from this script.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from ptc_bench.benchmark.models.quant import Quantization

PATHS = ("fp32", "fp32-gc", "bf16", "4bit")


def measure(model: str, path: str, steps: int, new_tokens: int, batch: int) -> dict[str, Any]:
    """Train-step and generation timings of one path (runs in the current process)."""
    import torch
    from peft import LoraConfig, get_peft_model

    from ptc_bench.benchmark.data.sample import materialise_sample
    from ptc_bench.benchmark.models.catalogue import resolve_model
    from ptc_bench.benchmark.models.loading import load_model
    from ptc_bench.benchmark.models.quant import disable_cpu_weight_repacking
    from ptc_bench.benchmark.training.examples import build_train_examples

    torch.manual_seed(0)
    quantization: Quantization = "4bit" if path == "4bit" else "none"
    loaded = load_model(resolve_model(model).path, quantization=quantization, device="cpu")
    tokenizer = loaded.tokenizer
    train, _ = build_train_examples("name-calling", materialise_sample(), 1200, "chat", tokenizer=tokenizer)
    texts = [e.prompt + e.completion + tokenizer.eos_token for e in train[:batch]]
    tokenizer.padding_side = "right"
    encoded = tokenizer(texts, return_tensors="pt", padding=True)
    lora = LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM")
    model_ = get_peft_model(loaded.model, lora)
    if quantization == "4bit":
        disable_cpu_weight_repacking(model_)
    for parameter in model_.parameters():
        if parameter.requires_grad:
            parameter.data = parameter.data.float()
    if path == "fp32-gc":
        model_.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model_.enable_input_require_grads()
    optimizer = torch.optim.AdamW([p for p in model_.parameters() if p.requires_grad], lr=1e-4)
    model_.train()
    step_seconds = []
    for _ in range(steps):
        started = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=path == "bf16"):
            loss = model_(**encoded, labels=encoded["input_ids"]).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        step_seconds.append(time.perf_counter() - started)
    tokens = int(encoded["attention_mask"].sum())
    model_.eval()
    tokenizer.padding_side = "left"
    prompts = tokenizer([e.prompt for e in train[:8]], return_tensors="pt", padding=True)
    started = time.perf_counter()
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=path == "bf16"):
        model_.generate(**prompts, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False)
    generate_seconds = time.perf_counter() - started
    best = min(step_seconds[1:] or step_seconds)
    return {
        "path": path,
        "train_tokens_per_step": tokens,
        "step_seconds": [round(s, 2) for s in step_seconds],
        "train_tokens_per_second": round(tokens / best, 1),
        "prompt_tokens": int(prompts["attention_mask"].sum()),
        "generate_seconds": round(generate_seconds, 1),
        "new_tokens_per_second": round(8 * new_tokens / generate_seconds, 2),
        "loss": round(float(loss), 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run each path in a child process and print one JSON line per path."""
    parser = argparse.ArgumentParser(prog="python -m benchmark.perf.cpu_paths")
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child mode: measure this path here
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.model, args.one, args.steps, args.new_tokens, args.batch)))
        return 0
    print(json.dumps({"load_average": os.getloadavg(), "cores": os.cpu_count()}))
    for path in args.paths.split(","):
        if path not in PATHS:
            parser.error(f"unknown path {path!r}; choose from {', '.join(PATHS)}")
        command = [
            sys.executable,
            "-m",
            "ptc_bench.benchmark.perf.cpu_paths",
            "--one",
            path,
            "--model",
            args.model,
        ]
        command += [
            "--steps",
            str(args.steps),
            "--new-tokens",
            str(args.new_tokens),
            "--batch",
            str(args.batch),
        ]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        result = json.loads(lines[-1]) if lines else {"path": path, "error": done.stderr.strip()[-300:]}
        result["process_seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
