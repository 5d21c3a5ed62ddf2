"""`bench train`: fine-tune one task's LoRA adapter and write it with its manifest."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ptc_bench.benchmark import limits
from ptc_bench.benchmark.commands._options import in_range
from ptc_bench.benchmark.limits import TRAIN

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
    "max_empty_share": "max_empty_share",
    "max_train_windows": "max_train_windows",
    "max_eval_windows": "max_eval_windows",
    "tag_positive_weight": "tag_positive_weight",
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
    add_model_flags(parser)
    parser.add_argument("--trust-remote-code", action="store_true", help="allow model code from the hub")
    parser.add_argument(
        "--data-dir", help="PTC release folder (default: $PTC_DATA_DIR, else the sample corpus)"
    )
    parser.add_argument(
        "--window-chars", type=in_range(limits.WINDOW_CHARS), default=1200, help="window budget in characters"
    )
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


def add_model_flags(parser: argparse.ArgumentParser) -> None:
    """--model, --quantization and --variant, shared by `bench train`, `run` and `eval`."""
    from ptc_bench.benchmark.models.catalogue import DEFAULT_MODEL, MODEL_NAMES

    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"a catalogue name ({', '.join(MODEL_NAMES)}; see `bench models`), a local folder or a hub id "
        f"(default: {DEFAULT_MODEL})",
    )
    parser.add_argument(
        "--quantization",
        choices=("auto", "4bit", "8bit", "none"),
        default="auto",
        help="auto: 4-bit nf4 QLoRA on CUDA, none (full-precision LoRA) on CPU (measured: see README)",
    )
    parser.add_argument(
        "--precision",
        choices=("auto", "fp32", "bf16"),
        default="auto",
        help="numerics of training and generation: auto = bf16 on CUDA and on CPUs with native bf16 "
        "(AVX512-BF16 or AMX; autocast), fp32 on other CPUs",
    )
    from ptc_bench.benchmark.approaches import APPROACHES
    from ptc_bench.core.records import DEFAULT_APPROACH

    parser.add_argument(
        "--approach",
        choices=tuple(APPROACHES),
        default=DEFAULT_APPROACH,
        help="; ".join(approach.help for approach in APPROACHES.values()),
    )
    parser.add_argument(
        "--variant",
        choices=("instruction", "chat"),
        help="prompt variant (default: chat for the catalogue's instruct models, else instruction)",
    )


def add_train_flags(parser: argparse.ArgumentParser) -> None:
    """The hyper-parameter flags shared by `bench train` and `bench run`."""
    flags = parser.add_argument_group("hyper-parameters (override the config file)")
    flags.add_argument("--config", type=Path, help="training config file (TOML or YAML)")
    flags.add_argument("--epochs", type=in_range(TRAIN["epochs"]))
    flags.add_argument("--lr", type=in_range(TRAIN["learning_rate"]), help="learning rate")
    flags.add_argument("--lora-r", type=in_range(TRAIN["lora_r"]))
    flags.add_argument("--lora-alpha", type=in_range(TRAIN["lora_alpha"]))
    flags.add_argument("--lora-dropout", type=in_range(TRAIN["lora_dropout"]))
    flags.add_argument(
        "--train-batch-size", type=in_range(TRAIN["per_device_batch_size"]), help="per-device batch size"
    )
    flags.add_argument(
        "--grad-accum",
        type=in_range(TRAIN["gradient_accumulation_steps"]),
        help="gradient accumulation steps",
    )
    flags.add_argument(
        "--max-steps", type=in_range(TRAIN["max_steps"]), help="stop after this many optimiser steps"
    )
    flags.add_argument("--max-seq-length", type=in_range(TRAIN["max_seq_length"]))
    flags.add_argument("--train-seed", dest="train_seed", type=in_range(TRAIN["seed"]), help="training seed")
    flags.add_argument(
        "--max-empty-share",
        type=in_range(TRAIN["max_empty_share"]),
        help="at most this share of training windows answer {} (1: all)",
    )
    flags.add_argument(
        "--max-train-windows",
        type=in_range(TRAIN["max_train_windows"]),
        help="train on a deterministic sub-sample of this many windows",
    )
    flags.add_argument(
        "--tag-positive-weight",
        type=in_range(TRAIN["tag_positive_weight"]),
        help="tagger: loss weight of B and I tags relative to O (default 5 for the tagger)",
    )
    flags.add_argument(
        "--max-eval-windows",
        type=in_range(TRAIN["max_eval_windows"]),
        help="validation windows for the eval loss (a deterministic sub-sample)",
    )


def train_config_from_args(args: argparse.Namespace) -> Any:
    """The TrainConfig the flags ask for: preset/defaults, then --config, then the flags."""
    from ptc_bench.benchmark.approaches import get_approach
    from ptc_bench.benchmark.training.config import load_train_config

    overrides = {field: getattr(args, flag, None) for flag, field in TRAIN_FLAGS.items()}
    preset = get_approach(args.approach).training_preset(args.model)
    return load_train_config(args.config, overrides, preset=preset)


def run(args: argparse.Namespace) -> int:
    """Handler of `bench train`: checks, then the approach trains; one JSON summary line."""
    from ptc_bench.benchmark.approaches import get_approach
    from ptc_bench.benchmark.approaches.base import TrainRequest
    from ptc_bench.benchmark.data import resolve_data_dir
    from ptc_bench.benchmark.models.catalogue import (
        check_model_available,
        default_prompt_variant,
        resolve_model,
    )
    from ptc_bench.benchmark.models.quant import resolve_quantization
    from ptc_bench.tasks import get_task

    task = get_task(args.task)  # unknown task -> error before anything heavy
    approach = get_approach(args.approach)
    approach.check(task, args.model)
    check_model_available(args.model)
    precision = approach.precision(args.precision)
    config = train_config_from_args(args)
    if args.config is not None:  # run settings beside [train] are bench run's; check their names anyway
        from ptc_bench.benchmark.stage.spec import read_run_settings

        read_run_settings(args.config)
    source = resolve_data_dir(args.data_dir)
    if source.notice:
        print(source.notice)
    request = TrainRequest(
        task=task,
        data_dir=source.path,
        model=args.model,
        model_path=resolve_model(args.model, report=print).path,
        variant=args.variant or default_prompt_variant(args.model),
        window_chars=args.window_chars,
        config=config,
        quantization=resolve_quantization(args.quantization),
        precision=precision,
        output=args.output,
        resume=not args.no_resume,
        verbose=args.verbose,
        quiet=args.quiet,
        trust_remote_code=args.trust_remote_code,
    )
    print(json.dumps(approach.train(request)))
    return 0
