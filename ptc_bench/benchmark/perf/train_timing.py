"""Time training steps of one recipe, each configuration in a fresh process (timings and peak memory
do not leak between them): our recipe on given windows, or the notebook recipe on whole articles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from ptc_bench.benchmark.models.quant import Quantization
from ptc_bench.benchmark.training.config import TrainConfig, load_train_config
from ptc_bench.benchmark.training.examples import TrainExample
from ptc_bench.core.errors import UserError

Recipe = Literal["ours", "notebook"]


@dataclass(frozen=True)
class StepTiming:
    """`steps` optimiser steps over `windows` sequences (the trainer's own train_runtime)."""

    steps: int
    seconds: float
    windows: int
    tokens: int  # real tokens of the timed sequences (no padding)
    peak_rss_bytes: int | None = None
    detail: str = ""

    @property
    def seconds_per_step(self) -> float:
        """Mean seconds per optimiser step."""
        return self.seconds / self.steps

    @property
    def seconds_per_window(self) -> float:
        """Mean seconds per training sequence (window, or article for the notebook)."""
        return self.seconds / self.windows


@dataclass(frozen=True)
class TimingJob:
    """What one worker process times."""

    recipe: Recipe
    model_path: str
    quantization: Quantization
    config: TrainConfig
    examples: tuple[TrainExample, ...] = ()  # ours: exactly the windows timed (one epoch of them)
    token_ids: tuple[tuple[int, ...], ...] = ()  # notebook: one sequence per step
    max_length: int = 0  # notebook: the fixed padded length
    bf16_autocast: bool = False

    def to_json(self) -> dict[str, Any]:
        """The worker's input."""
        return {
            "recipe": self.recipe,
            "model_path": self.model_path,
            "quantization": self.quantization,
            "config": self.config.to_dict(),
            "examples": [[e.prompt, e.completion] for e in self.examples],
            "token_ids": [list(ids) for ids in self.token_ids],
            "max_length": self.max_length,
            "bf16_autocast": self.bf16_autocast,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TimingJob:
        """Inverse of `to_json`."""
        return cls(
            recipe=data["recipe"],
            model_path=data["model_path"],
            quantization=data["quantization"],
            config=load_train_config(None, data["config"]),
            examples=tuple(TrainExample(p, c) for p, c in data["examples"]),
            token_ids=tuple(tuple(ids) for ids in data["token_ids"]),
            max_length=int(data["max_length"]),
            bf16_autocast=bool(data["bf16_autocast"]),
        )


def time_in_fresh_process(job: TimingJob) -> StepTiming:
    """Run benchmark.perf.train_worker on `job` in a new interpreter and read its JSON line."""
    from ptc_bench.benchmark.perf.memory import fresh_rusage_argv

    with tempfile.TemporaryDirectory(prefix="perf-job-") as folder:
        path = Path(folder) / "job.json"
        path.write_text(json.dumps(job.to_json()), encoding="utf-8")
        argv = [sys.executable, "-m", "ptc_bench.benchmark.perf.train_worker", str(path)]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        done = subprocess.run(fresh_rusage_argv(argv), capture_output=True, text=True, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise UserError(f"training timing worker ({job.recipe}) failed: {tail[0]}")
    data = json.loads(lines[-1])
    return StepTiming(
        int(data["steps"]),
        float(data["seconds"]),
        int(data["windows"]),
        int(data["tokens"]),
        int(data["peak_rss_bytes"]),
        str(data["detail"]),
    )


def time_job(job: TimingJob) -> StepTiming:
    """Time `job` in this process (the worker's body)."""
    import torch

    if job.recipe == "ours":  # the recipe's own --precision
        return _time_ours(job, "bf16" if job.bf16_autocast else _default_precision())
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=job.bf16_autocast):  # the CPU lever only
        return _time_notebook(job)


def _default_precision() -> str:
    """The timed default: bf16 on CUDA (the QLoRA recipe), fp32 on a CPU (bf16 is the lever row there)."""
    import torch

    return "bf16" if torch.cuda.is_available() else "fp32"


def _time_ours(job: TimingJob, precision: str) -> StepTiming:
    """One epoch of the real recipe (benchmark.training.train.train_adapter) over exactly `job.examples`."""
    from ptc_bench.benchmark.training.train import train_adapter

    batch = job.config.per_device_batch_size * job.config.gradient_accumulation_steps
    steps = max(1, len(job.examples) // batch)
    timed = replace(
        job.config,
        epochs=1.0,
        max_steps=steps,
        eval_each_epoch=False,
        logging_steps=1,
        save_total_limit=1,
        max_empty_share=1.0,
        max_train_windows=-1,
    )
    with tempfile.TemporaryDirectory(prefix="perf-train-") as folder:
        result = train_adapter(
            list(job.examples),
            [],
            model_id=job.model_path,
            quantization=job.quantization,
            config=timed,
            output_dir=Path(folder),
            resume=False,
            progress=False,
            precision=precision,
        )
    seconds = _train_runtime(result.manifest.log_history, result.wall_seconds)
    config = job.config
    checkpointing = "on" if config.gradient_checkpointing else "off"
    detail = (
        f"{result.manifest.device}, {job.quantization}{' + bf16 autocast' if job.bf16_autocast else ''}, "
        f"batch "
        f"{config.per_device_batch_size}, gradient checkpointing {checkpointing}"
    )
    return StepTiming(
        result.global_step,
        seconds,
        len(job.examples),
        int(result.manifest.details["tokens"]["per_epoch_total"]),
        _peak_rss(),
        detail,
    )


def _time_notebook(job: TimingJob) -> StepTiming:
    """The notebook recipe: batch 1, padded to `max_length`, labels = input_ids, gradient checkpointing."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments, set_seed

    from ptc_bench.benchmark.models.loading import load_model
    from ptc_bench.benchmark.models.quant import disable_cpu_weight_repacking

    config = job.config
    set_seed(config.seed)
    loaded = load_model(job.model_path, quantization=job.quantization)
    model, tokenizer, cuda = loaded.model, loaded.tokenizer, loaded.device == "cuda"
    checkpointing = {"use_reentrant": False}
    if job.quantization != "none":
        model = prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=True, gradient_checkpointing_kwargs=checkpointing
        )
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=config.target_modules
        if isinstance(config.target_modules, str)
        else list(config.target_modules),
        bias="none",
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, lora)
    if not cuda:
        _adapters_in_fp32(model)
    if not cuda and job.quantization == "4bit":
        disable_cpu_weight_repacking(model)
    rows = [_padded_row(ids, job.max_length, tokenizer) for ids in job.token_ids]
    with tempfile.TemporaryDirectory(prefix="perf-notebook-") as folder:
        args = TrainingArguments(
            output_dir=folder,
            per_device_train_batch_size=1,
            gradient_accumulation_steps=1,
            max_steps=len(rows),
            learning_rate=config.learning_rate,
            lr_scheduler_type=config.lr_scheduler,
            optim=config.resolved_optimizer(cuda),
            bf16=cuda and torch.cuda.is_bf16_supported(),
            gradient_checkpointing=True,
            gradient_checkpointing_kwargs=checkpointing,
            use_cpu=not cuda,
            save_strategy="no",
            logging_steps=1,
            report_to="none",
            disable_tqdm=True,
            seed=config.seed,
        )
        trainer = Trainer(
            model=model,
            args=args,
            train_dataset=Dataset.from_list(rows),
            data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False),
        )
        outcome = trainer.train()
    tokens = sum(min(len(ids), job.max_length) for ids in job.token_ids)
    detail = f"{loaded.device}, {job.quantization}, batch 1, padded to {job.max_length:,}, checkpointing on"
    return StepTiming(
        len(rows), float(outcome.metrics["train_runtime"]), len(rows), tokens, _peak_rss(), detail
    )


def _padded_row(ids: Sequence[int], max_length: int, tokenizer: Any) -> dict[str, list[int]]:
    """One article truncated and left-padded to `max_length`, as the notebook's tokenize() does."""
    kept = list(ids[:max_length])
    padding = max_length - len(kept)
    return {
        "input_ids": [tokenizer.pad_token_id] * padding + kept,
        "attention_mask": [0] * padding + [1] * len(kept),
    }


def _adapters_in_fp32(model: Any) -> None:
    """Trainable (LoRA) weights in fp32 on CPU, as our recipe keeps them."""
    import torch

    for parameter in model.parameters():
        if parameter.requires_grad and parameter.dtype != torch.float32:
            parameter.data = parameter.data.float()


def _train_runtime(log_history: Sequence[Any], fallback: float) -> float:
    """The trainer's `train_runtime` (the training loop only), else the whole call's wall time."""
    for entry in reversed(list(log_history)):
        if isinstance(entry, dict) and "train_runtime" in entry:
            return float(entry["train_runtime"])
    return fallback


def _peak_rss() -> int:
    from ptc_bench.benchmark.perf.memory_worker import peak_rss_bytes

    return peak_rss_bytes()
