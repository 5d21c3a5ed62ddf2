"""The `generate` approach: the LLM writes phrase -> technique JSON, parsed and aligned back to spans.

Train or reuse a LoRA adapter (`benchmark.training`), complete every evaluation prompt with the base
model and the adapted one through the resumable completion cache (`benchmark.generation`), and
parse and align each completion (`benchmark.evaluation.evaluate`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ptc_bench.benchmark.approaches.base import StageResult, TrainRequest
from ptc_bench.benchmark.approaches.completions import complete, eval_items
from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import stable_hash
from ptc_bench.core.manifests import TrainManifest

if TYPE_CHECKING:
    from ptc_bench.benchmark.evaluation.evaluate import EvalItem
    from ptc_bench.benchmark.stage.spec import RunSpec
    from ptc_bench.benchmark.stage.stage import PreparedData, Reporter, StageInput
    from ptc_bench.tasks import Task


class GenerateApproach:
    """An LLM with a LoRA adapter answering with JSON (the toolkit's main approach)."""

    name = "generate"
    help = "generate: the LLM writes phrase -> technique JSON"
    generates = True

    def check(self, task: Task, model: str) -> None:
        """An encoder of the catalogue cannot generate: one line pointing at the tagger."""
        from ptc_bench.benchmark.models.catalogue import CATALOGUE

        entry = CATALOGUE.get(model)
        if entry is not None and not entry.generative:
            raise UserError(
                f"{model} is an encoder ({entry.architecture}); it cannot generate: use --approach tagger"
            )

    def check_trained(self, folder: Path) -> None:
        from ptc_bench.benchmark.models.adapter_check import verify_adapter

        verify_adapter(folder)

    def precision(self, choice: str) -> str:
        from ptc_bench.benchmark.models.precision import default_device_type, resolve_precision

        resolve_precision(choice, "cpu")  # rejects unknown values before torch is imported
        return resolve_precision(choice, default_device_type())

    def training_preset(self, model: str | None) -> Mapping[str, object]:
        from ptc_bench.benchmark.training.config import TRAIN_PRESETS

        return dict(TRAIN_PRESETS.get(model or "", {}))

    def run_stage(self, given: StageInput) -> StageResult:
        """Adapter (trained or reused), prompts, completions of each system, parsed and aligned."""
        from ptc_bench.benchmark.evaluation.evaluate import evaluate_completions
        from ptc_bench.benchmark.generation.engines import get_engine
        from ptc_bench.benchmark.models.loading import adapter_base_model, adapter_hash, load_model

        spec, task, data, model_path, report = (
            given.spec,
            given.task,
            given.data,
            given.model_path,
            given.report,
        )
        engine = get_engine(spec.engine)
        if engine.served:
            from ptc_bench.benchmark.approaches.endpoint import endpoint_stage

            return endpoint_stage(given)

        adapter_dir = None
        if "adapted" in spec.systems:
            adapter_dir = spec.adapter or train_or_reuse_adapter(given)
            _wait_for_everyone()  # under accelerate launch, rank 0 saves the adapter the others load
            trained_on = adapter_base_model(adapter_dir)
            if trained_on is not None and trained_on != model_path:
                report(
                    f"warning: the adapter was trained on {trained_on}; --model {spec.model} is {model_path}"
                )
        if not engine.loads_model:
            completions, items, revision = _complete_on_started_engine(
                spec,
                task,
                data,
                model_path,
                adapter_dir,
                report,
                log_path=None if given.verbose else given.run_dir / "run.log",
            )
        else:
            loaded = load_model(
                model_path,
                quantization=spec.quantization,
                trust_remote_code=spec.trust_remote_code,
                precision=spec.precision,
            )
            revision = loaded.revision
            items = eval_items(spec, task, data, loaded.tokenizer, report)
            completions = {}
            if "base" in spec.systems:
                completions["base"] = complete(spec, task, loaded, items, _loaded_key(loaded, None), report)
            if adapter_dir is not None:
                from ptc_bench.benchmark.models.loading import load_adapter

                adapted = replace(loaded, model=load_adapter(loaded, adapter_dir))
                key = _loaded_key(loaded, adapter_hash(adapter_dir))
                completions["adapted"] = complete(spec, task, adapted, items, key, report)
        outcomes = {
            system: evaluate_completions(task, items, texts, system=system, policy=spec.policy)
            for system, texts in completions.items()
        }
        return StageResult(items, outcomes, adapter_dir, revision, oracle=None)

    def train(self, request: TrainRequest) -> dict[str, object]:
        """`bench train`: the task's training and validation windows -> train_adapter -> summary."""
        from ptc_bench.benchmark.models.quant import adapter_description
        from ptc_bench.benchmark.stage.lock import run_folder_lock
        from ptc_bench.benchmark.stage.log import library_output_to_log
        from ptc_bench.benchmark.training.display import training_display
        from ptc_bench.benchmark.training.examples import build_train_examples, selection_summary
        from ptc_bench.benchmark.training.train import train_adapter

        tokenizer = None
        if request.variant == "chat":
            from ptc_bench.benchmark.models.loading import load_tokenizer

            tokenizer = load_tokenizer(request.model_path, trust_remote_code=request.trust_remote_code)
        train, validation = build_train_examples(
            request.task.name, request.data_dir, request.window_chars, request.variant, tokenizer=tokenizer
        )
        output = request.output or Path("runs") / f"train-{request.task.name}"
        kind = adapter_description(request.quantization, request.precision)
        chosen = selection_summary(
            train,
            max_empty_share=request.config.max_empty_share,
            max_windows=request.config.max_train_windows,
        )
        print(f"training {kind} for {request.task.name} on {chosen} -> {output}")
        main_process = int(os.environ.get("RANK", "0")) == 0  # under accelerate launch, rank 0 locks
        from contextlib import nullcontext

        lock = run_folder_lock(output) if main_process else nullcontext()
        with lock, library_output_to_log(output, verbose=request.verbose):
            result = train_adapter(
                train,
                validation,
                model_id=request.model_path,
                quantization=request.quantization,
                config=request.config,
                output_dir=output,
                resume=request.resume,
                progress=request.verbose and not request.quiet,
                callbacks=() if request.verbose or request.quiet else (training_display(),),
                extra={
                    "task": request.task.name,
                    "model": request.model,
                    "variant": request.variant,
                    "window_chars": request.window_chars,
                },
                trust_remote_code=request.trust_remote_code,
                precision=request.precision,
            )
        return {
            "adapter": str(result.adapter_dir),
            "steps": result.global_step,
            "train_loss": result.train_loss,
            "eval_loss": result.eval_loss,
            "seconds": round(result.wall_seconds, 1),
        }


def train_or_reuse_adapter(given: StageInput) -> Path:
    """Train the task's adapter into the run folder, unless a finished one with this recipe exists."""
    spec, task, data, model_path = given.spec, given.task, given.data, given.model_path
    run_dir, report, verbose = given.run_dir, given.report, given.verbose
    from ptc_bench.benchmark.models.fingerprint import local_model_fingerprint
    from ptc_bench.benchmark.models.loading import load_tokenizer
    from ptc_bench.benchmark.training.display import training_display
    from ptc_bench.benchmark.training.examples import selection_summary, split_examples
    from ptc_bench.benchmark.training.train import train_adapter

    tokenizer = (
        load_tokenizer(model_path, trust_remote_code=spec.trust_remote_code)
        if spec.variant == "chat"
        else None
    )
    train_examples = split_examples(
        task.name, data.train, spec.window_chars, spec.variant, tokenizer=tokenizer
    )
    eval_examples = split_examples(
        task.name, data.validation, spec.window_chars, spec.variant, tokenizer=tokenizer
    )
    recipe_fields: dict[str, object] = {
        "task": task.name,
        "model": spec.model,
        "model_files": local_model_fingerprint(model_path),
        "quantization": spec.quantization,
        "train": spec.train.config_hash(),
        "examples": [(e.prompt, e.completion) for e in train_examples],
    }
    if spec.precision != "fp32":  # absent for fp32: the recipe hash of an fp32 run is as before
        recipe_fields["precision"] = spec.precision
    recipe = stable_hash(recipe_fields)
    output_dir = run_dir / "train"
    manifest_path = output_dir / "manifest.json"
    if (found := TrainManifest.read(manifest_path)) is not None and found.recipe_hash == recipe:
        from ptc_bench.benchmark.models.adapter_check import AdapterError, verify_adapter

        try:
            verify_adapter(output_dir / "adapter")
        except AdapterError as error:
            report(f"not reusing the adapter: {error}; training it again")
            manifest_path.unlink()
        else:
            report(f"reusing the adapter in {output_dir / 'adapter'} (same recipe)")
            return output_dir / "adapter"
    from ptc_bench.benchmark.models.quant import adapter_description

    kind = adapter_description(spec.quantization, spec.precision)
    chosen = selection_summary(
        train_examples, max_empty_share=spec.train.max_empty_share, max_windows=spec.train.max_train_windows
    )
    report(f"training {kind} for {task.name} on {chosen}")
    train_adapter(
        train_examples,
        eval_examples,
        model_id=model_path,
        quantization=spec.quantization,
        config=spec.train,
        output_dir=output_dir,
        trust_remote_code=spec.trust_remote_code,
        precision=spec.precision,
        progress=verbose,  # the trainer's own bars and log lines only with --verbose
        callbacks=() if verbose else (training_display(),),
        extra={"task": task.name, "recipe_hash": recipe, "model": spec.model},
    )
    return output_dir / "adapter"


def _complete_on_started_engine(
    spec: RunSpec, task: Task, data: PreparedData, model_path: str, adapter_dir: Path | None,
    report: Reporter, *, log_path: Path | None,
) -> tuple[dict[str, list[str]], list[EvalItem], str | None]:  # fmt: skip
    """Base and adapted completions through an engine started on a model folder (today vLLM's): on a
    CPU one engine each (the adapter merged into a second folder); with LoRA (CUDA) one engine for
    both, the adapter as a request."""
    from ptc_bench.benchmark.generation.cache import model_key
    from ptc_bench.benchmark.generation.engines import EngineRequest, get_engine
    from ptc_bench.benchmark.generation.engines.merged import vllm_target
    from ptc_bench.benchmark.generation.engines.vllm_pool import shared_engines
    from ptc_bench.benchmark.models.loading import adapter_hash, adapter_rank, load_tokenizer, model_revision
    from ptc_bench.benchmark.models.precision import default_device_type
    from ptc_bench.benchmark.paths import cache_dir

    tokenizer = load_tokenizer(model_path, trust_remote_code=spec.trust_remote_code)
    revision = model_revision(model_path, None)
    items = eval_items(spec, task, data, tokenizer, report)
    device = default_device_type()
    targets = {
        system: vllm_target(
            model_path, adapter_dir if system == "adapted" else None, device, root=cache_dir(), report=report
        )
        for system in spec.systems
    }
    ranks = [adapter_rank(target.lora[1]) or 16 for target in targets.values() if target.lora is not None]
    completions: dict[str, list[str]] = {}
    with shared_engines():
        for system, target in targets.items():
            engine = get_engine(spec.engine).create(
                EngineRequest(
                    tokenizer=tokenizer, model_path=target.model_path, precision=spec.precision,
                    device_type=device, lora=target.lora, lora_capacity=max(ranks, default=None),
                    seed=spec.seed, log_path=log_path,
                )
            )  # fmt: skip
            identity = engine.identity()
            described = ", ".join(value for name, value in identity.items() if name != "engine")
            report(f"{system}: {identity.get('engine', spec.engine)} ({described})")
            digest = adapter_hash(adapter_dir) if system == "adapted" and adapter_dir is not None else None
            key = model_key(spec.model, revision, "none", digest, identity)
            completions[system] = complete(spec, task, None, items, key, report, engine=engine)
    return completions, items, revision


def _loaded_key(loaded: Any, adapter_digest: str | None) -> str:
    """The completion cache's name of a model loaded in this process (and its adapter)."""
    from ptc_bench.benchmark.generation.cache import model_key

    return model_key(loaded.model_id, loaded.revision, loaded.quantization, adapter_digest)


def _wait_for_everyone() -> None:
    """A barrier across the processes of an accelerate launch (nothing to do in a single process)."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        from ptc_bench.benchmark.generation.distributed import process_state

        process_state().wait_for_everyone()
