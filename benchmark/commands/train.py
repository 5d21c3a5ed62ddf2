"""`bench train`: fine-tune one task's LoRA adapter and write it with its manifest."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from pathlib import Path
from typing import Any

from benchmark import limits
from benchmark.commands._options import in_range
from benchmark.limits import TRAIN

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
    from benchmark.models.catalogue import DEFAULT_MODEL, MODEL_NAMES

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
    parser.add_argument(
        "--approach",
        choices=("generate", "tagger"),
        default="generate",
        help="generate: the LLM writes phrase -> technique JSON; tagger: a BIO token-classification head "
        "on the same backbone (LoRA) or an encoder such as minilm-l6 (full fine-tuning)",
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
    from benchmark.training.config import load_train_config

    overrides = {field: getattr(args, flag, None) for flag, field in TRAIN_FLAGS.items()}
    return load_train_config(args.config, overrides, model=args.model, approach=args.approach)


def run(args: argparse.Namespace) -> int:
    """Handler of `bench train`: examples -> train_adapter -> one summary line."""
    from benchmark.data import resolve_data_dir
    from benchmark.models.catalogue import check_approach, check_model_available, default_prompt_variant
    from benchmark.models.quant import resolve_quantization
    from benchmark.training.examples import build_train_examples
    from tasks import get_task

    task = get_task(args.task)  # unknown task -> error before anything heavy
    check_approach(args.model, args.approach)
    check_model_available(args.model)
    if args.approach == "tagger":
        from benchmark.approaches.tagger.stage import scheme_for

        scheme_for(task)  # a classification task cannot be tagged: say so before loading anything
    variant = args.variant or default_prompt_variant(args.model)
    config = train_config_from_args(args)
    if args.config is not None:  # run settings beside [train] are bench run's; check their names anyway
        from benchmark.run.spec import read_run_settings

        read_run_settings(args.config)
    quantization = resolve_quantization(args.quantization)
    source = resolve_data_dir(args.data_dir)
    if source.notice:
        print(source.notice)
    from benchmark.models.catalogue import resolve_model

    model_path = resolve_model(args.model, report=print).path
    if args.approach == "tagger":
        return _train_tagger(args, task, source.path, model_path, config)
    tokenizer = None
    if variant == "chat":
        from benchmark.models.loading import load_tokenizer

        tokenizer = load_tokenizer(model_path, trust_remote_code=args.trust_remote_code)
    train, validation = build_train_examples(
        task.name, source.path, args.window_chars, variant, tokenizer=tokenizer
    )
    output = args.output or Path("runs") / f"train-{task.name}"
    from benchmark.models.quant import adapter_description

    print(f"training {adapter_description(quantization)} for {task.name} on {len(train)} windows -> {output}")
    from benchmark.run.lock import run_folder_lock
    from benchmark.run.log import library_output_to_log
    from benchmark.training.display import training_display
    from benchmark.training.train import train_adapter

    main_process = int(os.environ.get("RANK", "0")) == 0  # under accelerate launch, rank 0 holds the lock
    lock = run_folder_lock(output) if main_process else contextlib.nullcontext()
    with lock, library_output_to_log(output, verbose=args.verbose):
        result = train_adapter(
            train,
            validation,
            model_id=model_path,
            quantization=quantization,
            config=config,
            output_dir=output,
            resume=not args.no_resume,
            progress=args.verbose and not args.quiet,
            callbacks=() if args.verbose or args.quiet else (training_display(),),
            extra={
                "task": task.name,
                "model": args.model,
                "variant": variant,
                "window_chars": args.window_chars,
            },
            trust_remote_code=args.trust_remote_code,
            precision=args.precision,
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


def _train_tagger(args: argparse.Namespace, task: Any, data_dir: Path, model_path: str, config: Any) -> int:
    """`bench train --approach tagger`: BIO windows of train and validation -> fit_tagger -> summary."""
    from benchmark.approaches.tagger.stage import (
        chunk_tokens,
        fit_tagger,
        load_fast_tokenizer,
        split_windows,
        tagger_recipe,
    )
    from benchmark.data import load_train_and_validation
    from benchmark.run.lock import run_folder_lock
    from benchmark.run.log import library_output_to_log

    tokenizer = load_fast_tokenizer(model_path, trust_remote_code=args.trust_remote_code)
    max_length = chunk_tokens(tokenizer, config.max_seq_length)
    train_split, validation = load_train_and_validation(data_dir)
    train = split_windows(task, train_split, tokenizer, window_chars=args.window_chars, max_length=max_length)
    held_out = split_windows(
        task, validation, tokenizer, window_chars=args.window_chars, max_length=max_length
    )
    output = args.output or Path("runs") / f"train-{task.name}-tagger"
    print(f"training a tagger for {task.name} on {len(train)} windows -> {output}")
    with run_folder_lock(output), library_output_to_log(output, verbose=args.verbose):
        result = fit_tagger(
            task,
            train,
            held_out,
            model=args.model,
            model_path=model_path,
            tokenizer=tokenizer,
            config=config,
            output_dir=output,
            recipe=tagger_recipe(args.model, task, config, train, max_length),
            display=not (args.verbose or args.quiet),
            progress=args.verbose and not args.quiet,
            resume=not args.no_resume,
            trust_remote_code=args.trust_remote_code,
        )
    manifest = result.manifest
    summary = {
        "tagger": str(result.tagger_dir),
        "steps": manifest["global_step"],
        "train_loss": manifest["train_loss"],
        "eval_loss": manifest["eval_loss"],
        "seconds": manifest["wall_seconds"],
    }
    print(json.dumps(summary))
    return 0
