"""`bench run`: train the adapter (or reuse it), generate with base and adapted, score, write.

A linear recipe: set up the data and task -> adapter -> completions (base, adapted) -> parse,
align, score -> run folder. Every stage that costs model time is cached, so a killed run resumes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from benchmark.data import load_split, load_train_and_validation, resolve_data_dir
from benchmark.generation.generate import GenSettings
from benchmark.run.evaluate import EvalItem, SystemOutcome, build_eval_items, evaluate_completions
from benchmark.run.oracle import oracle_outcome
from benchmark.run.scoring import RunContext, score_run
from benchmark.run.spec import RunSpec
from benchmark.run.stage import PreparedData, Reporter
from benchmark.run.writer import adapter_info, run_manifest, write_run_folder
from benchmark.training.examples import split_examples
from core.hashing import split_hash, stable_hash
from core.types import SplitData
from tasks import Task, get_task


def prepare_data(spec: RunSpec, report: Reporter) -> PreparedData:
    """Resolve and load the data: training part, validation part and the evaluation split."""
    source = resolve_data_dir(spec.data_dir)
    if source.notice:
        report(source.notice)
    train, validation = load_train_and_validation(source.path)
    evaluation = validation if spec.split == "validation" else load_split(source.path, spec.split)
    if not evaluation.has_gold:
        raise_user(f"split {spec.split!r} has no gold labels to score against; use dev or validation")
    if spec.limit_articles is not None:
        if spec.limit_articles < 1:
            raise_user(f"--limit-articles must be at least 1, got {spec.limit_articles}")
        evaluation = _first_articles(evaluation, spec.limit_articles)
    if not evaluation.articles:
        raise_user(f"split {spec.split!r} of {source.path} has no articles to evaluate on")
    digest = stable_hash([split_hash(train), split_hash(validation), split_hash(evaluation)])
    return PreparedData(source.path, source.is_sample, train, validation, evaluation, digest)


def run_benchmark(
    spec: RunSpec, report: Reporter = print, *, run_dir: Path | None = None, verbose: bool = False
) -> Path:
    """Run the whole job and return the run folder (default: runs_dir / run_id).

    Library warnings, log records and progress bars go to `<run folder>/run.log` (and to the
    console too when `verbose`); the console keeps our status lines and progress displays.
    """
    started = time.perf_counter()
    task = get_task(spec.task)
    from benchmark.paths import cache_dir

    cache_dir()  # an unusable PTC_BENCH_CACHE: one line naming it, before any work or output
    data = prepare_data(spec, report)
    if run_dir is None:
        from benchmark.models.fingerprint import local_model_fingerprint

        run_dir = spec.runs_dir / run_id(spec, data.data_hash, local_model_fingerprint(spec.model))
    from benchmark.run.lock import run_folder_lock
    from benchmark.run.log import library_output_to_log
    from core.safe_write import output_folder

    output_folder(run_dir)  # a read-only or unusable --runs-dir: one line naming it, before any work

    if not is_main_process():  # rank 0 holds the lock and writes run.log for the whole launch
        return _run_in_folder(spec, task, data, run_dir, report, started, verbose)
    with run_folder_lock(run_dir), library_output_to_log(run_dir, verbose=verbose):
        return _run_in_folder(spec, task, data, run_dir, report, started, verbose)


def _run_in_folder(
    spec: RunSpec,
    task: Task,
    data: PreparedData,
    run_dir: Path,
    report: Reporter,
    started: float,
    verbose: bool,
) -> Path:
    """Adapter, completions, scores and files of a run whose folder this process owns."""
    run_dir.mkdir(parents=True, exist_ok=True)
    report(f"run folder: {run_dir}" + ("" if verbose else " (library output in run.log)"))

    from benchmark.models.catalogue import resolve_model

    base = resolve_model(spec.model, report=report)
    if spec.approach == "tagger":
        from benchmark.approaches.tagger.stage import run_tagger_stage

        stage = run_tagger_stage(spec, task, data, base.path, run_dir, report, verbose=verbose)
        items, outcomes, adapter_dir, revision = stage.items, stage.outcomes, stage.tagger_dir, None
        oracle: SystemOutcome | None = stage.oracle
    else:
        items, outcomes, adapter_dir, revision = _generate_stage(
            spec, task, data, base.path, run_dir, report, verbose
        )
        oracle = None
    context = RunContext(
        spec=spec,
        task=task,
        run_dir=run_dir,
        data_dir=data.source_dir,
        is_sample=data.is_sample,
        data_hash=data.data_hash,
        evaluation=data.evaluation,
        items=items,
        model_id=spec.model,
        model_revision=revision,
        adapter_dir=adapter_dir,
        wall_seconds=time.perf_counter() - started,
        kind="run" if spec.systems == ("base", "adapted") else "eval",  # with a given --adapter too
        base_model=base.manifest(),
    )
    if not is_main_process():  # every rank has every completion; one writes the run folder
        return run_dir
    if oracle is None:
        oracle = oracle_outcome(task, data.evaluation, window_chars=spec.window_chars, policy=spec.policy)
    adapter = adapter_info(context)
    manifest = run_manifest(context, adapter)
    record = score_run(
        context, outcomes, oracle=oracle, manifest_hash=stable_hash(manifest["identity"]), adapter=adapter
    )
    write_run_folder(context, record, manifest, outcomes)
    return run_dir


def _generate_stage(
    spec: RunSpec,
    task: Task,
    data: PreparedData,
    model_path: str,
    run_dir: Path,
    report: Reporter,
    verbose: bool,
) -> tuple[list[EvalItem], dict[str, SystemOutcome], Path | None, str | None]:
    """Adapter (trained or reused), prompts, completions of each system, parsed and aligned."""
    from benchmark.models.loading import adapter_base_model, adapter_hash, load_model

    adapter_dir = None
    if "adapted" in spec.systems:
        adapter_dir = spec.adapter or train_or_reuse_adapter(
            spec, task, data, model_path, run_dir, report, verbose=verbose
        )
        _wait_for_everyone()  # under accelerate launch, rank 0 saves the adapter the others load
        trained_on = adapter_base_model(adapter_dir)
        if trained_on is not None and trained_on != model_path:
            report(f"warning: the adapter was trained on {trained_on}; --model {spec.model} is {model_path}")
    loaded = load_model(
        model_path,
        quantization=spec.quantization,
        trust_remote_code=spec.trust_remote_code,
        precision=spec.precision,
    )
    items = build_eval_items(
        task,
        data.evaluation,
        window_chars=spec.window_chars,
        variant=spec.variant,
        tokenizer=loaded.tokenizer,
    )
    if not items:
        raise_user(f"no evaluation windows: the {spec.split} articles of {data.source_dir} are empty")
    report(f"{len(items)} prompts on {len(data.evaluation.articles)} {spec.split} articles")
    outcomes: dict[str, SystemOutcome] = {}
    completions: dict[str, list[str]] = {}
    if "base" in spec.systems:
        completions["base"] = _complete(spec, task, loaded, items, model_key(loaded, None), report)
    if adapter_dir is not None:
        from benchmark.models.loading import load_adapter

        adapted = replace(loaded, model=load_adapter(loaded, adapter_dir))
        key = model_key(loaded, adapter_hash(adapter_dir))
        completions["adapted"] = _complete(spec, task, adapted, items, key, report)
    for system, texts in completions.items():
        outcomes[system] = evaluate_completions(task, items, texts, system=system, policy=spec.policy)
    return items, outcomes, adapter_dir, loaded.revision


def train_or_reuse_adapter(
    spec: RunSpec,
    task: Task,
    data: PreparedData,
    model_path: str,
    run_dir: Path,
    report: Reporter,
    *,
    verbose: bool = False,
) -> Path:
    """Train the task's adapter into the run folder, unless a finished one with this recipe exists."""
    from benchmark.models.fingerprint import local_model_fingerprint
    from benchmark.models.loading import load_tokenizer
    from benchmark.training.display import training_display
    from benchmark.training.train import train_adapter

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
    if manifest_path.is_file() and _manifest_recipe(manifest_path) == recipe:
        from benchmark.models.adapter_check import AdapterError, verify_adapter

        try:
            verify_adapter(output_dir / "adapter")
        except AdapterError as error:
            report(f"not reusing the adapter: {error}; training it again")
            manifest_path.unlink()
        else:
            report(f"reusing the adapter in {output_dir / 'adapter'} (same recipe)")
            return output_dir / "adapter"
    from benchmark.models.quant import adapter_description

    kind = adapter_description(spec.quantization, spec.precision)
    report(f"training {kind} for {task.name} on {len(train_examples)} windows")
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


def _manifest_recipe(path: Path) -> str | None:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    value = manifest.get("recipe_hash")
    return str(value) if value else None


def _complete(
    spec: RunSpec, task: Task, loaded: Any, items: Sequence[EvalItem], key: str, report: Reporter
) -> list[str]:
    """Completions for every item, through the resumable cache (sharded under accelerate)."""
    from benchmark.generation.cache import CompletionCache
    from benchmark.generation.distributed import generate_completions_distributed

    settings = GenSettings(
        max_new_tokens=spec.max_new_tokens or task.max_new_tokens,
        do_sample=spec.do_sample,
        seed=spec.seed,
        batch_size=spec.batch_size,
        constrained=spec.constrained,
        precision=spec.precision,
    )
    cache = CompletionCache(spec.runs_dir / "cache" / "completions.jsonl")
    completions = generate_completions_distributed(
        loaded.model,
        loaded.tokenizer,
        [item.prompt for item in items],
        settings,
        cache=cache,
        model_key=key,
        no_cache=spec.no_cache,
        schema=task.output_schema() if spec.constrained else None,
    )
    n_cached = sum(1 for c in completions if c.cached)
    if n_cached:
        report(f"{n_cached} of {len(completions)} completions came from the cache")
    return [c.text for c in completions]


def model_key(loaded: Any, adapter_digest: str | None) -> str:
    """Names a model state in the completion cache: id, revision, quantization and adapter."""
    return stable_hash([loaded.model_id, loaded.revision, loaded.quantization, adapter_digest])


def run_id(spec: RunSpec, data_hash: str, model_fingerprint: str | None = None) -> str:
    """Readable, deterministic folder name: task, model, variant and a hash of the rest.

    `model_fingerprint` (a local model folder's content hash) makes new weights a new run.
    """
    model = Path(spec.model).name.replace("/", "-") or "model"
    parts: list[Any] = [spec.identity(), data_hash]
    if model_fingerprint is not None:  # absent for names and hub ids, so their run ids stay valid
        parts.append(model_fingerprint)
    digest = stable_hash(parts)[:10]
    return f"{spec.task}__{model}__{spec.variant}__{digest}"


def raise_user(message: str) -> NoReturn:
    """Raise a UserError (kept as a function so the runner reads linearly)."""
    from core.errors import UserError

    raise UserError(message)


def is_main_process() -> bool:
    """True outside a distributed launch, and on rank 0 inside one."""
    return int(os.environ.get("RANK", "0")) == 0


def _wait_for_everyone() -> None:
    """A barrier across the processes of an accelerate launch (nothing to do in a single process)."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        from benchmark.generation.distributed import process_state

        process_state().wait_for_everyone()


def _first_articles(split: SplitData, limit: int) -> SplitData:
    keep = sorted(split.articles)[:limit]
    spans = None if split.spans is None else {k: split.spans[k] for k in keep if k in split.spans}
    return replace(split, articles={k: split.articles[k] for k in keep}, spans=spans)
