"""The leaderboard: every comparable (run, system) ranked by one metric, and a per-task pivot."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ptc_bench.core.hashing import short_hash
from ptc_bench.core.records import RunResults
from ptc_bench.core.techniques import task_order
from ptc_bench.metrics.registry import higher_is_better
from ptc_bench.reports.selection import ExcludedRun, select_comparable

LEADERBOARD_COLUMNS = (
    "run",
    "model",
    "quantization",
    "adapter",
    "task",
    "prompt variant",
    "system",
)


def adapter_label(run: RunResults, system: str) -> str | None:
    """How the adapter behind a system is named in tables: '<task> <hash>' or None for the base model."""
    if system == "base" or run.adapter is None:
        return None
    return f"{run.adapter.task} {short_hash(run.adapter.hash)}"


def leaderboard_table(
    runs: Sequence[RunResults], metric: str, *, split: str = "dev", data_hash: str | None = None
) -> tuple[pd.DataFrame, list[ExcludedRun]]:
    """One row per comparable (run, system), ranked by `metric`; the runs left out, with the reason."""
    kept, excluded = select_comparable(runs, split, data_hash)
    rows: list[dict[str, object]] = []
    for run in kept:
        systems_with_metric = [s for s in sorted(run.systems) if metric in run.systems[s].metrics]
        if not systems_with_metric:
            excluded.append(ExcludedRun(run, f"no {metric} score"))
        undefined = [s for s in systems_with_metric if run.systems[s].metrics[metric].value is None]
        if undefined:
            excluded.append(
                ExcludedRun(
                    run, f"{metric} undefined for {', '.join(undefined)} (no gold and no predicted spans)"
                )
            )
            systems_with_metric = [s for s in systems_with_metric if s not in undefined]
        for system in systems_with_metric:
            scores = run.systems[system].metrics
            validity = scores.get("json_validity")
            rows.append(
                {
                    "run": run.run_id,
                    "model": run.model.label,
                    "quantization": run.model.quantization,
                    "adapter": adapter_label(run, system),
                    "task": run.task,
                    "prompt variant": run.prompt_variant,
                    "system": system,
                    metric: scores[metric].value,
                    f"{metric} CI": scores[metric].ci,
                    "json_validity": None if validity is None else validity.value,
                    "date": run.created[:10],
                    "manifest": short_hash(run.manifest_hash),
                    "data": short_hash(run.data.hash),
                }
            )
    sign = -1.0 if higher_is_better(metric) else 1.0
    rows.sort(key=lambda r: (sign * float(r[metric]), str(r["run"]), str(r["system"])))  # type: ignore[arg-type]
    validity_column = [] if metric == "json_validity" else ["json_validity"]  # no duplicate column
    columns = [*LEADERBOARD_COLUMNS, metric, f"{metric} CI", *validity_column, "date", "manifest", "data"]
    table = pd.DataFrame(
        rows, index=pd.Index(range(1, len(rows) + 1), name="rank"), columns=columns, dtype=object
    )
    table.attrs["best"] = {"json_validity": "max", metric: "max" if higher_is_better(metric) else "min"}
    excluded.sort(key=lambda e: e.run.run_id)
    return table, excluded


def _system_key(run: RunResults, system: str) -> tuple[str, str, str, str]:
    adapter = "" if system == "base" or run.adapter is None else run.adapter.hash
    return (run.model.label, run.model.quantization, adapter, run.prompt_variant)


def leaderboard_pivot(runs: Sequence[RunResults], metric: str) -> pd.DataFrame | None:
    """Rows: model + adapter; columns: tasks; cells: `metric` (latest run wins); None for one task."""
    tasks = task_order({run.task for run in runs})
    if len(tasks) < 2:
        return None
    variants = {run.prompt_variant for run in runs}
    quantizations = {run.model.quantization for run in runs}
    cells: dict[tuple[str, str, str, str], dict[str, float | None]] = {}
    labels: dict[tuple[str, str, str, str], str] = {}
    for run in sorted(runs, key=lambda r: (r.created, r.run_id)):
        for system, results in sorted(run.systems.items()):
            if metric not in results.metrics:
                continue
            key = _system_key(run, system)
            label = f"{run.model.label} + {adapter_label(run, system) or 'no adapter'}"
            if len(quantizations) > 1:
                label += f", {run.model.quantization}"
            if len(variants) > 1:
                label += f", {run.prompt_variant}"
            labels[key] = label
            cells.setdefault(key, {})[run.task] = results.metrics[metric].value
    keys = sorted(cells, key=lambda k: (k[2] != "", labels[k]))
    table = pd.DataFrame(
        [[cells[k].get(task) for task in tasks] for k in keys],
        index=pd.Index([labels[k] for k in keys], name="system"),
        columns=tasks,
        dtype=object,
    )
    direction = "max" if higher_is_better(metric) else "min"
    table.attrs["best"] = dict.fromkeys(tasks, direction)
    return table
