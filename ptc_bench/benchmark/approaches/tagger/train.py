"""Fit a tagger: the transformers Trainer on BIO-tagged chunks, one cross-entropy per (token, layer).

Linear like the generative recipe: set up (backbone + head, LoRA or full) -> train (eval loss each
epoch, early stopping, resume from the last complete checkpoint) -> save `tagger/` and manifest.json.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.approaches.tagger.backbone import (
    load_backbone,
    save_tagger,
    tagger_loss,
    tuning_for,
    with_lora,
)
from ptc_bench.benchmark.approaches.tagger.data import TaggedWindow, pad_batch, select_tagged, training_rows
from ptc_bench.benchmark.approaches.tagger.tags import TagScheme
from ptc_bench.benchmark.training.config import TrainConfig
from ptc_bench.core.manifests import TrainManifest

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class TaggerTrainResult:
    """Where the tagger went and what its manifest says."""

    tagger_dir: Path
    manifest: TrainManifest


def train_tagger(
    train: Sequence[TaggedWindow],
    validation: Sequence[TaggedWindow],
    *,
    scheme: TagScheme,
    model_path: str,
    tokenizer: Any,
    config: TrainConfig,
    output_dir: Path,
    resume: bool = True,
    progress: bool = False,
    callbacks: Sequence[Any] = (),
    extra: Mapping[str, Any] | None = None,
    trust_remote_code: bool = False,
) -> TaggerTrainResult:
    """Train a tagger on `train` (eval loss on `validation`) into `output_dir/tagger`."""
    started = time.perf_counter()
    import torch
    from transformers import EarlyStoppingCallback, Trainer, TrainingArguments

    from ptc_bench.benchmark.training.checkpoints import last_complete_checkpoint
    from ptc_bench.benchmark.training.train import package_versions, shared_arguments

    # --- set up ---------------------------------------------------------------------------------
    output_dir = Path(output_dir)
    checkpoints = output_dir / "checkpoints"
    kept = select_tagged(
        train, max_empty_share=config.max_empty_share, max_windows=config.max_train_windows, seed=config.seed
    )
    kept_eval = select_tagged(
        validation, max_empty_share=1.0, max_windows=config.max_eval_windows, seed=config.seed
    )
    train_rows, eval_rows = training_rows(kept, scheme), training_rows(kept_eval, scheme)
    tuning = tuning_for(model_path)
    model = load_backbone(model_path, scheme, seed=config.seed, trust_remote_code=trust_remote_code)
    if tuning == "lora":
        model = with_lora(model, config)
    evaluating = bool(eval_rows) and config.eval_each_epoch
    cuda = torch.cuda.is_available()
    args = TrainingArguments(
        **shared_arguments(
            TrainingArguments,
            config,
            output_dir=checkpoints,
            cuda=cuda,
            evaluating=evaluating,
            progress=progress,
        ),
        remove_unused_columns=False,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_rows,
        eval_dataset=eval_rows if evaluating else None,
        data_collator=lambda rows: pad_batch(rows, tokenizer.pad_token_id),
        compute_loss_func=lambda outputs, labels, **_: tagger_loss(
            outputs.logits, labels, config.tag_positive_weight
        ),
        callbacks=[
            *([EarlyStoppingCallback(config.early_stopping_patience)] if evaluating else []),
            *callbacks,
        ],
    )
    if not progress:
        from transformers.trainer_callback import PrinterCallback

        trainer.remove_callback(PrinterCallback)

    # --- train ----------------------------------------------------------------------------------
    last = last_complete_checkpoint(checkpoints) if resume else None
    outcome = trainer.train(resume_from_checkpoint=last)
    eval_loss = trainer.evaluate()["eval_loss"] if evaluating else None

    # --- save -----------------------------------------------------------------------------------
    tagger_dir = output_dir / "tagger"
    save_tagger(trainer.model, tokenizer, tagger_dir, scheme=scheme, tuning=tuning, base=model_path)
    n_tokens = sum(len(row["input_ids"]) for row in train_rows)
    manifest = TrainManifest(
        kind="tagger",
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        context=dict(extra or {}),
        base_model={"id": model_path},
        device="cuda" if cuda else "cpu",
        data={
            "n_train": len(kept),
            "n_eval": len(kept_eval),
            "n_train_available": len(train),
            "n_eval_available": len(validation),
            "n_train_chunks": len(train_rows),
            "train_tokens_per_epoch": n_tokens,
        },
        hyperparameters=config.to_dict(),
        config_hash=config.config_hash(),
        train_loss=outcome.training_loss,
        eval_loss=eval_loss,
        global_step=trainer.state.global_step,
        epochs_run=trainer.state.epoch,
        resumed_from=last,
        wall_seconds=round(time.perf_counter() - started, 2),
        log_history=trainer.state.log_history,
        versions=package_versions(),
        details={"tuning": tuning, "layers": list(scheme.layers)},
    )
    (output_dir / MANIFEST_NAME).write_text(manifest.write_text(), encoding="utf-8")
    return TaggerTrainResult(tagger_dir, manifest)
