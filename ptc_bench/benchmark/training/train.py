"""The QLoRA recipe, linear like a torchtune recipe: set up -> train -> save.

trl's `SFTTrainer` on prompt/completion data (loss on the completion and its eos only), dynamic
padding with length-grouped batches, LoRA on every linear projection, gradient checkpointing,
paged 8-bit AdamW on CUDA, cosine schedule with warmup, eval loss each epoch with early stopping,
and resume from the last checkpoint. Writes `adapter/` (adapter + tokenizer) and `manifest.json`.
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import time
from collections.abc import Mapping, Sequence, Sized
from dataclasses import dataclass, fields, replace
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, cast

from ptc_bench.benchmark.models.quant import Quantization
from ptc_bench.benchmark.training.checkpoints import last_complete_checkpoint
from ptc_bench.benchmark.training.config import TrainConfig
from ptc_bench.benchmark.training.examples import TrainExample, select_windows
from ptc_bench.benchmark.training.loss import whole_run_loss
from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import new_digest
from ptc_bench.core.manifests import TrainManifest
from ptc_bench.core.safe_write import atomic_write_text

MANIFEST_NAME = "manifest.json"
PENDING_MANIFEST_NAME = "manifest.pending.json"  # written before the adapter is saved, removed after
VERSIONED_PACKAGES = ("torch", "transformers", "peft", "trl", "bitsandbytes", "accelerate", "datasets")


@dataclass(frozen=True)
class TrainResult:
    """Where the adapter went and the numbers the manifest records."""

    adapter_dir: Path
    manifest_path: Path
    train_loss: float | None
    eval_loss: float | None
    global_step: int
    resumed_from: str | None
    wall_seconds: float
    manifest: TrainManifest


def train_adapter(
    examples: Sequence[TrainExample],
    eval_examples: Sequence[TrainExample],
    *,
    model_id: str,
    quantization: Quantization = "4bit",
    config: TrainConfig,
    output_dir: Path,
    resume: bool = True,
    progress: bool = True,
    callbacks: Sequence[Any] = (),
    extra: Mapping[str, object] | None = None,
    device: str = "auto",
    revision: str | None = None,
    trust_remote_code: bool = False,
    precision: str = "auto",
) -> TrainResult:
    """Train one LoRA adapter on `examples`, evaluating on `eval_examples`; see the module docstring.

    `precision` (`benchmark.models.precision`): fp32, bf16 (autocast on a CPU, bf16 weights on CUDA), or
    auto, resolved for the device the model lands on.
    """
    available = (len(examples), len(eval_examples))
    examples = select_windows(
        examples,
        max_empty_share=config.max_empty_share,
        max_windows=config.max_train_windows,
        seed=config.seed,
    )
    eval_examples = select_windows(
        eval_examples, max_empty_share=1.0, max_windows=config.max_eval_windows, seed=config.seed
    )
    if not examples:
        raise UserError("no training examples: the task has no training windows in this data")
    started = time.perf_counter()
    _quiet_libraries()
    import torch
    from datasets import Dataset
    from peft import LoraConfig, prepare_model_for_kbit_training
    from transformers import EarlyStoppingCallback, set_seed
    from trl import SFTConfig, SFTTrainer

    from ptc_bench.benchmark.models.loading import load_model, resolve_device
    from ptc_bench.benchmark.models.precision import resolve_precision
    from ptc_bench.benchmark.models.quant import disable_cpu_weight_repacking

    # --- set up: model, data, LoRA, trainer --------------------------------------------------
    output_dir = Path(output_dir)
    checkpoints = output_dir / "checkpoints"
    set_seed(config.seed)
    numerics = resolve_precision(precision, resolve_device(device).split(":")[0])
    loaded = load_model(
        model_id,
        quantization=quantization,
        device=device,
        revision=revision,
        trust_remote_code=trust_remote_code,
        precision=numerics,
    )
    tokenizer, model = loaded.tokenizer, loaded.model
    cuda = loaded.device == "cuda"
    checkpoint_kwargs = {"use_reentrant": False}
    if quantization != "none":
        model = prepare_model_for_kbit_training(
            model,
            use_gradient_checkpointing=config.gradient_checkpointing,
            gradient_checkpointing_kwargs=checkpoint_kwargs,
        )

    check_target_modules(model, config.target_modules, model_id)
    train_data = Dataset.from_list([_as_row(example, tokenizer.eos_token) for example in examples])
    eval_rows = [_as_row(example, tokenizer.eos_token) for example in eval_examples]
    eval_data = Dataset.from_list(eval_rows) if eval_rows else None
    evaluating = eval_data is not None and config.eval_each_epoch
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=_target_modules(config),
        bias="none",
        task_type="CAUSAL_LM",
    )
    half = numerics == "bf16"
    bf16 = half and (not cuda or torch.cuda.is_bf16_supported())  # on a CPU: accelerate's bf16 autocast
    args = SFTConfig(
        **shared_arguments(
            SFTConfig, config, output_dir=checkpoints, cuda=cuda, evaluating=evaluating, progress=progress
        ),
        bf16=bf16,
        fp16=half and not bf16,
        gradient_checkpointing=config.gradient_checkpointing,
        gradient_checkpointing_kwargs=checkpoint_kwargs,
        max_length=config.max_seq_length,
        completion_only_loss=True,
        padding_free=False,
        train_sampling_strategy="group_by_length" if config.group_by_length else "random",
        ddp_find_unused_parameters=False,
        dataset_num_proc=None,
    )
    trainer_callbacks: list[Any] = (
        [EarlyStoppingCallback(config.early_stopping_patience)] if evaluating else []
    )
    trainer_callbacks += list(callbacks)
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=train_data,
        eval_dataset=eval_data if evaluating else None,
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=trainer_callbacks,
    )
    if len(cast(Sized, trainer.train_dataset)) == 0:  # trl drops rows whose answer the length limit cuts away
        shortest = min(len(tokenizer(row["prompt"] + row["completion"])["input_ids"]) for row in train_data)
        raise UserError(
            f"max_seq_length {config.max_seq_length}: no training window fits with its answer "
            f"(the shortest needs {shortest} tokens); raise --max-seq-length"
        )
    if not progress:
        from transformers.trainer_callback import PrinterCallback

        trainer.remove_callback(PrinterCallback)
    if not cuda:
        _keep_adapter_in_fp32(trainer.model)
    if loaded.device == "cpu" and quantization == "4bit":
        disable_cpu_weight_repacking(trainer.model)

    # --- train ---------------------------------------------------------------------------------
    last = last_complete_checkpoint(checkpoints, _report) if resume else None
    pending_path = output_dir / PENDING_MANIFEST_NAME
    adapter_dir = output_dir / "adapter"
    manifest_path = output_dir / MANIFEST_NAME
    finished = _finished_before(pending_path, last) if last is not None else None
    if finished is not None and last is not None:  # trained to the end; only saving the adapter was cut
        _report(f"training had finished at {last}; saving its adapter")
        _load_adapter_weights(trainer.model, Path(last))
        trainer.save_model(str(adapter_dir))
        manifest = replace(finished, resumed_from=last)
        if trainer.is_world_process_zero():
            atomic_write_text(manifest_path, manifest.write_text())
            pending_path.unlink(missing_ok=True)
        return _result(adapter_dir, manifest_path, manifest)
    outcome = trainer.train(resume_from_checkpoint=last)
    first_step = int(getattr(trainer, "_initial_global_step", 0)) if last else 0  # where it resumed
    train_loss = whole_run_loss(
        trainer.state.log_history, first_step, trainer.state.global_step, outcome.training_loss
    )
    eval_loss = _kept_model_eval_loss(trainer) if evaluating else None
    wall = time.perf_counter() - started
    manifest = TrainManifest(
        kind="adapter",
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        context=dict(extra or {}),
        base_model={"id": model_id, "revision": loaded.revision, "quantization": quantization},
        device=loaded.device,
        data={
            "hash": examples_hash(examples),
            "eval_hash": examples_hash(eval_examples),
            "n_train": len(examples),
            "n_eval": len(eval_examples),
            "n_train_available": available[0],
            "n_eval_available": available[1],
        },
        hyperparameters=config.to_dict(),
        config_hash=config.config_hash(),
        train_loss=train_loss,  # over the whole run (benchmark.training.loss)
        eval_loss=eval_loss,
        global_step=trainer.state.global_step,
        epochs_run=trainer.state.epoch,
        resumed_from=last,
        wall_seconds=round(wall, 2),
        log_history=trainer.state.log_history,
        versions=package_versions(),
        details={
            "compute": {"precision": numerics, "bf16": bf16, "fp16": args.fp16, "optimizer": args.optim},
            "tokens": _token_counts(trainer.train_dataset, trainer.state.epoch or 0.0),
            "peak_memory": _peak_memory(cuda),
        },
    )

    # --- save: the manifest first as pending (a kill while the adapter is saved loses nothing) ----
    if trainer.is_world_process_zero():
        atomic_write_text(pending_path, manifest.write_text())
    trainer.save_model(str(adapter_dir))  # rank 0 only; saves the adapter and the tokenizer
    if trainer.is_world_process_zero():
        atomic_write_text(manifest_path, manifest.write_text())
        pending_path.unlink(missing_ok=True)
    return _result(adapter_dir, manifest_path, manifest)


def _result(adapter_dir: Path, manifest_path: Path, manifest: TrainManifest) -> TrainResult:
    return TrainResult(
        adapter_dir=adapter_dir,
        manifest_path=manifest_path,
        train_loss=manifest.train_loss,
        eval_loss=manifest.eval_loss,
        global_step=manifest.global_step,
        resumed_from=manifest.resumed_from,
        wall_seconds=manifest.wall_seconds,
        manifest=manifest,
    )


def _finished_before(pending_path: Path, checkpoint: str) -> TrainManifest | None:
    """The pending manifest of a training that reached its end at `checkpoint`, if there is one."""
    pending = TrainManifest.read(pending_path)
    if pending is None:
        return None
    state = json.loads((Path(checkpoint) / "trainer_state.json").read_text(encoding="utf-8"))
    return pending if state.get("global_step") == pending.global_step else None


def _load_adapter_weights(model: Any, checkpoint: Path) -> None:
    """The LoRA weights of a checkpoint loaded into the model being trained (peft's own loader)."""
    from peft import set_peft_model_state_dict
    from peft.utils import load_peft_weights

    set_peft_model_state_dict(model, load_peft_weights(str(checkpoint), device="cpu"))


def shared_arguments(
    arguments_class: type,
    config: TrainConfig,
    *,
    output_dir: Path,
    cuda: bool,
    evaluating: bool,
    progress: bool,
) -> dict[str, Any]:
    """The trainer arguments every recipe (QLoRA here, the tagger) takes from a TrainConfig.

    Epochs or steps, batch sizes, the optimiser and its schedule, eval and save each epoch with the
    best eval loss kept at the end, logging and seeds.
    """
    return {
        "output_dir": str(output_dir),
        "num_train_epochs": config.epochs,
        "max_steps": config.max_steps,
        "per_device_train_batch_size": config.per_device_batch_size,
        "per_device_eval_batch_size": config.per_device_batch_size,
        "gradient_accumulation_steps": config.gradient_accumulation_steps,
        "learning_rate": config.learning_rate,
        "lr_scheduler_type": config.lr_scheduler,
        **warmup_arguments(arguments_class, config.warmup_ratio),
        "weight_decay": config.weight_decay,
        "optim": config.resolved_optimizer(cuda),
        "use_cpu": not cuda,
        "eval_strategy": "epoch" if evaluating else "no",
        "save_strategy": "epoch",
        "save_total_limit": config.save_total_limit,
        "load_best_model_at_end": evaluating,
        "metric_for_best_model": "eval_loss" if evaluating else None,
        "greater_is_better": False if evaluating else None,
        "logging_steps": config.logging_steps,
        "report_to": "none",
        "seed": config.seed,
        "data_seed": config.seed,
        "disable_tqdm": not progress,
    }


def warmup_arguments(arguments_class: type, ratio: float) -> dict[str, Any]:
    """The warm-up as a share of the optimiser steps, in the spelling the installed transformers takes.

    transformers 4 has `warmup_ratio` (and an integer `warmup_steps`); transformers 5 dropped
    `warmup_ratio` and reads a `warmup_steps` below 1 as that ratio.
    """
    names = {argument.name for argument in fields(arguments_class)}
    return {"warmup_ratio": ratio} if "warmup_ratio" in names else {"warmup_steps": ratio}


def examples_hash(examples: Sequence[TrainExample]) -> str:
    """sha256 of the examples in order: says whether an adapter was trained on this exact data."""
    digest = new_digest()
    for example in examples:
        digest.update(json.dumps([example.prompt, example.completion]).encode() + b"\n")
    return digest.hexdigest()


def package_versions() -> dict[str, str | None]:
    """Installed versions of the model stack, for the manifest."""
    found: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in VERSIONED_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def _as_row(example: TrainExample, eos_token: str) -> dict[str, str]:
    """A prompt/completion row whose completion ends with the eos, so the model learns to stop."""
    return {"prompt": example.prompt, "completion": example.completion + eos_token}


def check_target_modules(model: Any, modules: str | Sequence[str], model_id: str) -> None:
    """UserError naming the first LoRA target the model has no module for (before any training).

    peft matches a name against the end of each module's dotted path; `all-linear` always matches.
    """
    if isinstance(modules, str):
        return
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()} | {
        name for name, _ in model.named_modules()
    }
    for module in modules:
        if module not in names:
            linear = sorted(
                {n.rsplit(".", 1)[-1] for n, m in model.named_modules() if type(m).__name__ == "Linear"}
            )
            raise UserError(
                f"target_modules: {model_id} has no module named {module!r}; its linear layers: "
                f"{', '.join(linear) or 'none'}"
            )


def _kept_model_eval_loss(trainer: Any) -> float:
    """The eval loss of the model kept at the end: the best epoch's, already computed when the trainer
    loaded that epoch back (`load_best_model_at_end`); evaluated afresh only when no epoch ended."""
    best = trainer.state.best_metric
    return float(best) if best is not None else float(trainer.evaluate()["eval_loss"])


def _target_modules(config: TrainConfig) -> str | list[str]:
    """peft's `all-linear` (every linear projection but the output head) or an explicit list."""
    modules = config.target_modules
    return modules if isinstance(modules, str) else list(modules)


def _keep_adapter_in_fp32(model: Any) -> None:
    """trl casts LoRA weights of quantised models to bf16 (QLoRA on GPUs); on CPU we compute in fp32."""
    import torch

    for parameter in model.parameters():
        if parameter.requires_grad and parameter.dtype != torch.float32:
            parameter.data = parameter.data.float()


def _token_counts(dataset: Any, epochs: float) -> dict[str, int]:
    """Total and loss-bearing tokens per epoch of the tokenised dataset, and seen over the run."""
    total = sum(len(ids) for ids in dataset["input_ids"])
    loss_bearing = sum(sum(1 for label in labels if label != -100) for labels in dataset["labels"])
    return {
        "per_epoch_total": total,
        "per_epoch_loss_bearing": loss_bearing,
        "seen_total": round(total * epochs),
        "seen_loss_bearing": round(loss_bearing * epochs),
    }


def _peak_memory(cuda: bool) -> dict[str, int | str]:
    """CUDA max allocated bytes on GPU; else this process's peak resident set size."""
    if cuda:
        import torch

        return {"kind": "cuda_max_allocated", "bytes": int(torch.cuda.max_memory_allocated())}
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"kind": "cpu_peak_rss", "bytes": int(rss if sys.platform == "darwin" else rss * 1024)}


def _report(message: str) -> None:
    print(message, file=sys.stderr)


def _quiet_libraries() -> None:
    """No dataset-map progress bars or info chatter; warnings and the training bar stay."""
    import datasets
    import transformers

    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_warning()
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
