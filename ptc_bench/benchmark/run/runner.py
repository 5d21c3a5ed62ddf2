"""`bench run`: train the adapter (or reuse it), generate with base and adapted, score, write.

A linear recipe: set up the data and task -> adapter -> completions (base, adapted) -> parse,
align, score -> run folder. Every stage that costs model time is cached, so a killed run resumes.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from ptc_bench.benchmark.approaches import get_approach
from ptc_bench.benchmark.data import load_split, load_train_and_validation, resolve_data_dir
from ptc_bench.benchmark.evaluation.oracle import oracle_outcome
from ptc_bench.benchmark.run.record import Started
from ptc_bench.benchmark.run.scoring import RunContext, score_run
from ptc_bench.benchmark.run.writer import adapter_info, run_manifest, write_run_folder
from ptc_bench.benchmark.stage.spec import RunSpec
from ptc_bench.benchmark.stage.stage import PreparedData, Reporter, StageInput
from ptc_bench.core.hashing import split_hash, stable_hash
from ptc_bench.core.types import SplitData
from ptc_bench.tasks import Task, get_task


def prepare_data(spec: RunSpec, report: Reporter) -> PreparedData:
    """Resolve and load the data: training part, validation part and the evaluation split."""
    source = resolve_data_dir(spec.data_dir)
    if source.notice:
        report(source.notice)
    train, validation = load_train_and_validation(source.path)
    evaluation = validation if spec.split == "validation" else load_split(source.path, spec.split)
    if not evaluation.has_gold:
        raise_user(f"split {spec.split!r} has no gold labels to score against; use dev or validation")
    if spec.limit_articles is not None:  # at least 1: RunSpec checks its ranges
        evaluation = first_articles(evaluation, spec.limit_articles)
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
    from ptc_bench.benchmark.paths import cache_dir

    cache_dir()  # an unusable PTC_BENCH_CACHE: one line naming it, before any work or output
    data = prepare_data(spec, report)
    if run_dir is None:
        run_dir = _default_run_dir(spec, data)
    from ptc_bench.benchmark.stage.lock import run_folder_lock
    from ptc_bench.benchmark.stage.log import library_output_to_log
    from ptc_bench.core.safe_write import output_folder

    output_folder(run_dir)  # a read-only or unusable --runs-dir: one line naming it, before any work

    if not is_main_process():  # rank 0 holds the lock and writes run.log for the whole launch
        return _run_in_folder(spec, task, data, run_dir, report, started, verbose, opened=None)
    from ptc_bench.benchmark.run.record import run_record

    identity = {**spec.identity(), "data_hash": data.data_hash}
    with (
        run_folder_lock(run_dir),
        library_output_to_log(run_dir, verbose=verbose),
        run_record(run_dir, identity, str(Path(data.source_dir).resolve())) as opened,
    ):
        return _run_in_folder(spec, task, data, run_dir, report, started, verbose, opened=opened)


def planned_run_dir(spec: RunSpec, data: PreparedData | None = None) -> Path:
    """The folder `run_benchmark(spec)` will write (no model work, no output); `data` as loaded for it."""
    return _default_run_dir(spec, data if data is not None else prepare_data(spec, lambda _line: None))


def _default_run_dir(spec: RunSpec, data: PreparedData) -> Path:
    from ptc_bench.benchmark.models.fingerprint import local_model_fingerprint

    return spec.runs_dir / run_id(spec, data.data_hash, local_model_fingerprint(spec.model))


def _run_in_folder(
    spec: RunSpec,
    task: Task,
    data: PreparedData,
    run_dir: Path,
    report: Reporter,
    started: float,
    verbose: bool,
    *,
    opened: Started | None,
) -> Path:
    """Adapter, completions, scores and files of a run whose folder this process owns."""
    run_dir.mkdir(parents=True, exist_ok=True)
    report(f"run folder: {run_dir}" + ("" if verbose else " (library output in run.log)"))

    from ptc_bench.benchmark.models.catalogue import resolve_model

    if spec.endpoint is not None:  # a served model: nothing local to resolve
        model_path, base_manifest = spec.model, {"endpoint": spec.endpoint, "served_name": spec.model}
    else:
        base = resolve_model(spec.model, report=report)
        model_path, base_manifest = base.path, base.manifest()
    stage = get_approach(spec.approach).run_stage(
        StageInput(spec, task, data, model_path, run_dir, report, verbose=verbose)
    )
    context = RunContext(
        spec=spec,
        task=task,
        run_dir=run_dir,
        data_dir=data.source_dir,
        is_sample=data.is_sample,
        data_hash=data.data_hash,
        evaluation=data.evaluation,
        items=stage.items,
        model_id=spec.model,
        model_revision=stage.model_revision,
        adapter_dir=stage.trained_dir,
        wall_seconds=time.perf_counter() - started,
        kind="run" if spec.systems == ("base", "adapted") else "eval",  # with a given --adapter too
        base_model=base_manifest,
    )
    if not is_main_process():  # every rank has every completion; one writes the run folder
        return run_dir
    oracle = stage.oracle
    if oracle is None:  # the phrase oracle: gold phrases through the same parser and aligner
        oracle = oracle_outcome(task, data.evaluation, window_chars=spec.window_chars, policy=spec.policy)
    adapter = adapter_info(context)
    manifest = run_manifest(context, adapter, started=opened)
    record = score_run(
        context,
        stage.outcomes,
        oracle=oracle,
        manifest_hash=stable_hash(manifest.identity),
        adapter=adapter,
    )
    write_run_folder(context, record, manifest, stage.outcomes)
    return run_dir


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
    from ptc_bench.core.errors import UserError

    raise UserError(message)


def is_main_process() -> bool:
    """True outside a distributed launch, and on rank 0 inside one."""
    return int(os.environ.get("RANK", "0")) == 0


def first_articles(split: SplitData, limit: int) -> SplitData:
    """The first `limit` articles of a split (sorted ids) with their gold."""
    keep = sorted(split.articles)[:limit]
    spans = None if split.spans is None else {k: split.spans[k] for k in keep if k in split.spans}
    return replace(split, articles={k: split.articles[k] for k in keep}, spans=spans)
