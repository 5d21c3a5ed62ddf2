"""Time a fixed number of optimiser steps of our recipe and of the notebook recipe, same model and LoRA."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmark.quant import Quantization
from benchmark.train import TrainExample
from benchmark.train_config import TrainConfig


@dataclass(frozen=True)
class StepTiming:
    """Seconds for `steps` optimiser steps (the trainer's own train_runtime)."""

    steps: int
    seconds: float
    detail: str = ""

    @property
    def seconds_per_step(self) -> float:
        """Mean seconds per optimiser step."""
        return self.seconds / self.steps


def time_our_steps(
    examples: Sequence[TrainExample],
    *,
    model_path: str,
    config: TrainConfig,
    steps: int,
    quantization: Quantization = "4bit",
) -> StepTiming:
    """`steps` steps of the real recipe (benchmark.train.train_adapter), no evaluation."""
    from benchmark.train import train_adapter

    timed = replace(config, max_steps=steps, eval_each_epoch=False, logging_steps=1, save_total_limit=1)
    with tempfile.TemporaryDirectory(prefix="perf-train-") as folder:
        result = train_adapter(
            examples,
            [],
            model_id=model_path,
            quantization=quantization,
            config=timed,
            output_dir=Path(folder),
            resume=False,
            progress=False,
            device="cpu",
        )
    seconds = _train_runtime(result.manifest.get("log_history", []), result.wall_seconds)
    detail = (
        f"{quantization} base, LoRA r={config.lora_r}, gradient checkpointing {config.gradient_checkpointing}"
    )
    return StepTiming(result.global_step, seconds, detail)


def time_notebook_steps(
    token_ids: Sequence[Sequence[int]],
    *,
    model_path: str,
    config: TrainConfig,
    steps: int,
    max_length: int,
    quantization: Quantization = "4bit",
) -> StepTiming:
    """`steps` steps of the notebook recipe: batch 1, padded to `max_length`, labels = input_ids."""
    from datasets import Dataset
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments, set_seed

    from benchmark.models import load_model
    from benchmark.quant import disable_cpu_weight_repacking

    set_seed(config.seed)
    loaded = load_model(model_path, quantization=quantization, device="cpu")
    model, tokenizer = loaded.model, loaded.tokenizer
    checkpointing = {"use_reentrant": False}
    if quantization != "none":
        model = prepare_model_for_kbit_training(
            model,
            use_gradient_checkpointing=config.gradient_checkpointing,
            gradient_checkpointing_kwargs=checkpointing,
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
    _adapters_in_fp32(model)
    if quantization == "4bit":
        disable_cpu_weight_repacking(model)
    rows = [_padded_row(token_ids[i % len(token_ids)], max_length, tokenizer) for i in range(steps)]
    with tempfile.TemporaryDirectory(prefix="perf-notebook-") as folder:
        args = TrainingArguments(
            output_dir=folder,
            per_device_train_batch_size=1,
            gradient_accumulation_steps=1,
            max_steps=steps,
            learning_rate=config.learning_rate,
            lr_scheduler_type=config.lr_scheduler,
            optim=config.resolved_optimizer(False),
            gradient_checkpointing=config.gradient_checkpointing,
            gradient_checkpointing_kwargs=checkpointing,
            use_cpu=True,
            save_strategy="epoch",
            save_total_limit=1,
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
    return StepTiming(steps, float(outcome.metrics["train_runtime"]))


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
