"""Per-technique adapter comparison: adapter (trained for) x task evaluated, the base row, the diagonal gain.

`plan_cross_evaluations` lists the (adapter, task) pairs that have no results yet; running one
`CrossEvalJob` is the runner's part: `benchmark.runner.run_cross_evaluation(job) -> Path` evaluates
the adapter at `job.adapter_dir` (and the base model) on `job.eval_task` with the model, split,
data and prompt variant of the run in `job.source_run_dir`, and writes a run folder of kind "eval"
(results.json with `adapter.task == job.adapter_task`, `task == job.eval_task`) to `job.out_dir`,
returning the path of its results.json. Results found later under the runs folder fill the matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reports.metric_names import higher_is_better
from reports.records import RunResults
from reports.selection import short_hash, task_order

CROSS_EVAL_DIR = "cross-eval"
ROW_INDEX_NAME = "adapter (trained for)"


@dataclass(frozen=True)
class CrossEvalJob:
    """One missing cross-evaluation: the adapter trained for `adapter_task`, evaluated on `eval_task`."""

    adapter_dir: Path
    adapter_task: str
    eval_task: str
    out_dir: Path
    source_run_dir: Path
    adapter_hash: str


_RowKey = tuple[str, str]  # (model, adapter hash; "" for the base model)


def _row_labels(keys: list[_RowKey], adapter_tasks: dict[str, str]) -> dict[_RowKey, str]:
    """'base' and the adapter's technique, disambiguated by model or hash only when needed."""
    models = {model for model, _ in keys}
    task_counts: dict[str, int] = {}
    for _, adapter in keys:
        if adapter:
            task_counts[adapter_tasks[adapter]] = task_counts.get(adapter_tasks[adapter], 0) + 1
    labels = {}
    for model, adapter in keys:
        label = "base" if not adapter else adapter_tasks[adapter]
        if adapter and task_counts[adapter_tasks[adapter]] > 1:
            label += f" ({short_hash(adapter)[:8]})"
        if len(models) > 1:
            label += f" [{model}]"
        labels[(model, adapter)] = label
    return labels


def comparison_matrix(runs: Sequence[RunResults], metric: str = "flc_f1") -> pd.DataFrame:
    """Rows: base model(s), then adapters by the technique they were trained for; columns: task evaluated."""
    cells: dict[_RowKey, dict[str, float]] = {}
    adapter_tasks: dict[str, str] = {}
    for run in sorted(runs, key=lambda r: (r.created, r.run_id)):
        for system, results in run.systems.items():
            if metric not in results.metrics:
                continue
            adapter = "" if system == "base" or run.adapter is None else run.adapter.hash
            if adapter and run.adapter is not None:
                adapter_tasks[adapter] = run.adapter.task
            cells.setdefault((run.model.label, adapter), {})[run.task] = results.metrics[metric].value
    columns = task_order({task for row in cells.values() for task in row})
    position = {task: i for i, task in enumerate(task_order(set(columns) | set(adapter_tasks.values())))}
    keys = sorted(
        cells, key=lambda k: (k[1] != "", position.get(adapter_tasks.get(k[1], ""), -1), k[0], k[1])
    )
    labels = _row_labels(keys, adapter_tasks)
    table = pd.DataFrame(
        [[cells[k].get(task) for task in columns] for k in keys],
        index=pd.Index([labels[k] for k in keys], name=ROW_INDEX_NAME),
        columns=columns,
        dtype=object,
    )
    table.attrs["best"] = dict.fromkeys(columns, "max" if higher_is_better(metric) else "min")
    return table


def diagonal_gains(runs: Sequence[RunResults], metric: str = "flc_f1") -> pd.DataFrame:
    """Per technique: base vs its own adapter (kind "run"), the gain with its paired-test CI and p-value."""
    latest: dict[tuple[str, str], RunResults] = {}
    for run in sorted(runs, key=lambda r: (r.created, r.run_id)):
        if run.kind == "run" and {"base", "adapted"} <= set(run.systems):
            latest[(run.task, run.model.label)] = run
    models = {model for _, model in latest}
    rows, index = [], []
    for task in task_order({task for task, _ in latest}):
        for model in sorted(m for t, m in latest if t == task):
            run = latest[(task, model)]
            base = run.systems["base"].metrics.get(metric)
            adapted = run.systems["adapted"].metrics.get(metric)
            comparison = run.comparison(metric)
            gain = comparison.difference if comparison is not None else None
            if gain is None and base is not None and adapted is not None:
                gain = adapted.value - base.value
            rows.append(
                {
                    "run": run.run_id,
                    "base": None if base is None else base.value,
                    "adapted": None if adapted is None else adapted.value,
                    "gain": gain,
                    "gain CI": None if comparison is None else comparison.ci,
                    "p-value": None if comparison is None else comparison.p_value,
                }
            )
            index.append(task if len(models) == 1 else f"{task} [{model}]")
    columns = ["run", "base", "adapted", "gain", "gain CI", "p-value"]
    table = pd.DataFrame(rows, index=pd.Index(index, name="task"), columns=columns, dtype=object)
    table.attrs["best"] = {"gain": "max" if higher_is_better(metric) else "min"}
    return table


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
