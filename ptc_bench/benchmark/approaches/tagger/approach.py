"""The `tagger` approach: a BIO token-classification head on a backbone, registered beside `generate`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ptc_bench.benchmark.approaches.base import StageResult, TrainRequest
from ptc_bench.core.errors import UserError

if TYPE_CHECKING:
    from ptc_bench.benchmark.stage.stage import StageInput
    from ptc_bench.tasks import Task

FP32_ONLY = "the tagger trains and tags in fp32; --precision applies to --approach generate"


class TaggerApproach:
    """A tagger on the same windows: the LLM's backbone with LoRA, or an encoder fine-tuned in full."""

    name = "tagger"
    help = (
        "tagger: a BIO token-classification head on the same backbone (LoRA) or an encoder such as "
        "minilm-l6 (full fine-tuning)"
    )
    generates = False

    def check(self, task: Task, model: str) -> None:
        """A classification task (given spans) cannot be tagged: one line before loading anything."""
        from ptc_bench.benchmark.approaches.tagger.stage import scheme_for

        scheme_for(task)

    def check_trained(self, folder: Path) -> None:
        from ptc_bench.benchmark.approaches.tagger.backbone import read_tagger_facts

        read_tagger_facts(folder)

    def precision(self, choice: str) -> str:
        from ptc_bench.benchmark.models.precision import resolve_precision

        if resolve_precision(choice, "cpu", flags=()) == "bf16":  # auto -> fp32 without native flags
            raise UserError(FP32_ONLY)
        return "fp32"

    def training_preset(self, model: str | None) -> Mapping[str, object]:
        from ptc_bench.benchmark.training.config import TAGGER_DEFAULTS, TAGGER_PRESETS

        return {**TAGGER_DEFAULTS, **TAGGER_PRESETS.get(model or "", {})}

    def run_stage(self, given: StageInput) -> StageResult:
        from ptc_bench.benchmark.approaches.tagger.stage import run_tagger_stage

        if given.spec.precision != "fp32":
            raise UserError(FP32_ONLY)
        stage = run_tagger_stage(given)
        return StageResult(stage.items, stage.outcomes, stage.tagger_dir, None, oracle=stage.oracle)

    def train(self, request: TrainRequest) -> dict[str, object]:
        """`bench train --approach tagger`: BIO windows of train and validation -> fit_tagger -> summary."""
        from ptc_bench.benchmark.approaches.tagger.stage import (
            chunk_tokens,
            fit_tagger,
            load_fast_tokenizer,
            split_windows,
            tagger_recipe,
        )
        from ptc_bench.benchmark.data import load_train_and_validation
        from ptc_bench.benchmark.stage.lock import run_folder_lock
        from ptc_bench.benchmark.stage.log import library_output_to_log

        task, config = request.task, request.config
        tokenizer = load_fast_tokenizer(request.model_path, trust_remote_code=request.trust_remote_code)
        max_length = chunk_tokens(tokenizer, config.max_seq_length)
        train_split, validation = load_train_and_validation(request.data_dir)
        train = split_windows(
            task, train_split, tokenizer, window_chars=request.window_chars, max_length=max_length
        )
        held_out = split_windows(
            task, validation, tokenizer, window_chars=request.window_chars, max_length=max_length
        )
        output = request.output or Path("runs") / f"train-{task.name}-tagger"
        print(f"training a tagger for {task.name} on {len(train)} windows -> {output}")
        with run_folder_lock(output), library_output_to_log(output, verbose=request.verbose):
            result = fit_tagger(
                task,
                train,
                held_out,
                model=request.model,
                model_path=request.model_path,
                tokenizer=tokenizer,
                config=config,
                output_dir=output,
                recipe=tagger_recipe(request.model, task, config, train, max_length),
                display=not (request.verbose or request.quiet),
                progress=request.verbose and not request.quiet,
                resume=request.resume,
                trust_remote_code=request.trust_remote_code,
            )
        manifest = result.manifest
        return {
            "tagger": str(result.tagger_dir),
            "steps": manifest.global_step,
            "train_loss": manifest.train_loss,
            "eval_loss": manifest.eval_loss,
            "seconds": manifest.wall_seconds,
        }
