"""Cross-evaluation: every trained adapter on every other technique's task, planned from run records.

`plan_cross_evaluations` lists the (adapter, task) pairs that have no results yet;
`run_cross_evaluation(job)` evaluates the adapter at `job.adapter_dir` on `job.eval_task` with the
model, split, data and prompt variant of the run in `job.source_run_dir`, and writes a run folder of
kind "eval" (results.json with `adapter.task == job.adapter_task`, `task == job.eval_task`) to
`job.out_dir`. `bench compare` tabulates the results (`reports.comparison`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ptc_bench.benchmark.run.runner import raise_user, run_benchmark
from ptc_bench.benchmark.stage.spec import RunSpec
from ptc_bench.core.hashing import short_hash
from ptc_bench.core.manifests import RunManifest
from ptc_bench.core.records import RunResults
from ptc_bench.core.techniques import task_order

CROSS_EVAL_DIR = "cross-eval"


@dataclass(frozen=True)
class CrossEvalJob:
    """One missing cross-evaluation: the adapter trained for `adapter_task`, evaluated on `eval_task`."""

    adapter_dir: Path
    adapter_task: str
    eval_task: str
    out_dir: Path
    source_run_dir: Path
    adapter_hash: str


def resolve_adapter_dir(run: RunResults) -> Path:
    """The adapter folder of a run: its recorded path, relative to the run folder (never to the cwd).

    Run folders written before paths were stored relative to them recorded `runs/<run>/train/adapter`
    (relative to the cwd of `bench run`); their own `train/adapter` or `adapter` folder is used then.
    """
    assert run.adapter is not None and run.run_dir is not None
    recorded = Path(run.adapter.path)
    candidate = recorded if recorded.is_absolute() else run.run_dir / recorded
    if candidate.exists():
        return candidate
    for fallback in (run.run_dir / "train" / "adapter", run.run_dir / "adapter"):
        if fallback.exists():
            return fallback
    return candidate


def plan_cross_evaluations(runs: Sequence[RunResults], out_root: Path | None = None) -> list[CrossEvalJob]:
    """The cross-evaluations still missing: every trained adapter on every task trained in `runs`.

    An adapter comes from a run of kind "run" read from disk; a pair counts as done when any run
    scores a system with that adapter hash on that task, split and data hash. Jobs go to
    `out_root` (default: `cross-eval/` beside the adapter's run folder), one folder per pair.
    """
    trained = {}
    for run in sorted(runs, key=lambda r: (r.created, r.run_id)):
        if run.kind == "run" and run.adapter is not None and run.run_dir is not None:
            trained[run.adapter.hash] = run
    tasks = task_order({run.task for run in trained.values()})
    done = {
        (run.adapter.hash, run.task, run.split, run.data.hash)
        for run in runs
        if run.adapter is not None and any(system != "base" for system in run.systems)
    }
    jobs = []
    ordered = sorted(
        trained.values(), key=lambda r: (tasks.index(r.task), r.adapter.hash if r.adapter else "")
    )
    for source in ordered:
        assert source.adapter is not None and source.run_dir is not None
        root = out_root if out_root is not None else source.run_dir.parent / CROSS_EVAL_DIR
        for task in tasks:
            if (source.adapter.hash, task, source.split, source.data.hash) in done:
                continue
            name = f"{source.adapter.task}--on--{task}--{short_hash(source.adapter.hash)[:8]}"
            jobs.append(
                CrossEvalJob(
                    adapter_dir=resolve_adapter_dir(source),
                    adapter_task=source.adapter.task,
                    eval_task=task,
                    out_dir=root / name,
                    source_run_dir=source.run_dir,
                    adapter_hash=source.adapter.hash,
                )
            )
    return jobs


def run_cross_evaluation(
    job: CrossEvalJob, *, trust_remote_code: bool = False, engine: str | None = None
) -> Path:
    """`bench compare`: evaluate one run's adapter on another task, same model, data and settings.

    The settings come from the source run's manifest, except `trust_remote_code`: a value read
    from a file never enables running a model's code; only the caller's own flag does. `engine`
    (resolved: hf or vllm) replaces the recorded engine; None keeps it.
    """
    manifest = _read_manifest(job.source_run_dir / "manifest.json")
    fixed = {"engine": engine} if engine is not None else {}
    try:
        spec = RunSpec.from_manifest(
            manifest,
            **fixed,
            task=job.eval_task,
            runs_dir=job.source_run_dir.parent,
            trust_remote_code=trust_remote_code,
            systems=("adapted",),
            adapter=job.adapter_dir,
        )
    except KeyError as missing:
        raise_user(f"{job.source_run_dir / 'manifest.json'}: the run's identity has no {missing}")
    return run_benchmark(spec, report=lambda message: None, run_dir=job.out_dir)


def _read_manifest(path: Path) -> RunManifest:
    """A run folder's manifest.json; UserError naming the file when it is missing or unreadable."""
    try:
        return RunManifest.read(path)
    except ValueError as error:
        raise_user(str(error))
