"""Per-technique adapter comparison: adapter (trained for) x task evaluated, the base row, the diagonal gain.

The missing (adapter, task) pairs are planned and run by the engine (`benchmark.run.cross_eval`); their
results, found later under the runs folder, fill the matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ptc_bench.core.hashing import short_hash
from ptc_bench.core.records import RunResults
from ptc_bench.core.techniques import task_order
from ptc_bench.metrics.registry import higher_is_better

ROW_INDEX_NAME = "adapter (trained for)"


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
    cells: dict[_RowKey, dict[str, float | None]] = {}
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
            base_value = None if base is None else base.value
            adapted_value = None if adapted is None else adapted.value
            if gain is None and base_value is not None and adapted_value is not None:  # undefined: no gain
                gain = adapted_value - base_value
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
