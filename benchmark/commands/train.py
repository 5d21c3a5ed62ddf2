"""`bench train`: fine-tune one task's LoRA adapter and write it with its manifest."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from pathlib import Path
from typing import Any

from benchmark.commands._options import positive_float, positive_int

TRAIN_FLAGS = {  # flag dest -> TrainConfig field
    "epochs": "epochs",
    "lr": "learning_rate",
    "lora_r": "lora_r",
    "lora_alpha": "lora_alpha",
    "lora_dropout": "lora_dropout",
    "train_batch_size": "per_device_batch_size",
    "grad_accum": "gradient_accumulation_steps",
    "max_steps": "max_steps",
    "max_seq_length": "max_seq_length",
    "train_seed": "seed",
}


def register(subparsers: Any) -> None:
    """Add `bench train`."""
    parser = subparsers.add_parser(
        "train",
        help="fine-tune a QLoRA adapter for one task (adapter + manifest)",
        description="Train a LoRA adapter on the task's training windows (loss on the JSON answer only), "
        "evaluating on the validation part of train; resumes from the last checkpoint in OUTPUT.",
    )
    parser.add_argument("--task", required=True, help="task name (see `bench tasks`)")
    parser.add_argument("--model", default="tiny", help="hub id, local folder, or 'tiny' (offline default)")
    parser.add_argument("--quantization", choices=("4bit", "8bit", "none"), default="4bit")
    parser.add_argument("--trust-remote-code", action="store_true", help="allow model code from the hub")
    parser.add_argument(
        "--data-dir", help="PTC release folder (default: $PTC_DATA_DIR, else the sample corpus)"
    )
    parser.add_argument(
        "--variant", default="instruction", choices=("instruction", "chat"), help="prompt variant"
    )
    parser.add_argument("--window-chars", type=positive_int, default=1200, help="window budget in characters")
    parser.add_argument("--output", type=Path, help="output folder (default: runs/train-<task>)")
    parser.add_argument("--no-resume", action="store_true", help="ignore checkpoints already in OUTPUT")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="also show library warnings and bars (in OUTPUT/run.log anyway)",
    )
    add_train_flags(parser)
    parser.set_defaults(handler=run)


def add_train_flags(parser: argparse.ArgumentParser) -> None:
    """The hyper-parameter flags shared by `bench train` and `bench run`."""
    flags = parser.add_argument_group("hyper-parameters (override the config file)")
    flags.add_argument("--config", type=Path, help="training config file (TOML or YAML)")
    flags.add_argument("--epochs", type=positive_float)
    flags.add_argument("--lr", type=positive_float, help="learning rate")
    flags.add_argument("--lora-r", type=positive_int)
    flags.add_argument("--lora-alpha", type=positive_int)
    flags.add_argument("--lora-dropout", type=float)
    flags.add_argument("--train-batch-size", type=positive_int, help="per-device batch size")
    flags.add_argument("--grad-accum", type=positive_int, help="gradient accumulation steps")
    flags.add_argument("--max-steps", type=positive_int, help="stop after this many optimiser steps")
    flags.add_argument("--max-seq-length", type=positive_int)
    flags.add_argument("--train-seed", dest="train_seed", type=int, help="training seed")


def train_config_from_args(args: argparse.Namespace) -> Any:
    """The TrainConfig the flags ask for: preset/defaults, then --config, then the flags."""
    from benchmark.train_config import load_train_config

    overrides = {field: getattr(args, flag, None) for flag, field in TRAIN_FLAGS.items()}
    return load_train_config(args.config, overrides, model=args.model)


def run(args: argparse.Namespace) -> int:
    """Handler of `bench train`: examples -> train_adapter -> one summary line."""
    from benchmark.data import load_split, resolve_data_dir
    from benchmark.examples import build_train_examples
    from benchmark.preflight import check_model_reference
    from tasks import get_task

    task = get_task(args.task)  # unknown task -> error before anything heavy
    check_model_reference(args.model)
    config = train_config_from_args(args)
    source = resolve_data_dir(args.data_dir)
    if source.notice:
        print(source.notice)
    model_path = args.model
    if args.model == "tiny":
        from benchmark.tiny import ensure_tiny_model

        train_split = load_split(source.path, "train")
        model_path = str(
            ensure_tiny_model([train_split.articles[k].text for k in sorted(train_split.articles)])
        )
    tokenizer = None
    if args.variant == "chat":
        from benchmark.models import load_tokenizer

        tokenizer = load_tokenizer(model_path, trust_remote_code=args.trust_remote_code)
    train, validation = build_train_examples(
        task.name, source.path, args.window_chars, args.variant, tokenizer=tokenizer
    )
    output = args.output or Path("runs") / f"train-{task.name}"
    print(f"training a {args.quantization} LoRA adapter for {task.name} on {len(train)} windows -> {output}")
    from benchmark.run_lock import run_folder_lock
    from benchmark.run_log import library_output_to_log
    from benchmark.train import train_adapter
    from benchmark.train_display import training_display

    main_process = int(os.environ.get("RANK", "0")) == 0  # under accelerate launch, rank 0 holds the lock
    lock = run_folder_lock(output) if main_process else contextlib.nullcontext()
    with lock, library_output_to_log(output, verbose=args.verbose):
        result = train_adapter(
            train,
            validation,
            model_id=model_path,
            quantization=args.quantization,
            config=config,
            output_dir=output,
            resume=not args.no_resume,
            progress=args.verbose and not args.quiet,
            callbacks=() if args.verbose or args.quiet else (training_display(),),
            extra={
                "task": task.name,
                "model": args.model,
                "variant": args.variant,
                "window_chars": args.window_chars,
            },
            trust_remote_code=args.trust_remote_code,
        )
    summary = {
        "adapter": str(result.adapter_dir),
        "steps": result.global_step,
        "train_loss": result.train_loss,
        "eval_loss": result.eval_loss,
        "seconds": round(result.wall_seconds, 1),
    }
    print(json.dumps(summary))
    return 0
