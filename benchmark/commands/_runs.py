"""What `bench leaderboard` and `bench compare` share: the runs under a folder and the metric asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def load_runs_and_metric(runs_dir: Path, metric_name: str) -> tuple[list[Any], str]:
    """Every run under `runs_dir` (UserError when there is none) and the canonical metric name."""
    from benchmark.errors import UserError
    from reports.metric_names import resolve_metric
    from reports.results import load_runs

    runs = load_runs(runs_dir)
    if not runs:
        raise UserError(f"no results.json under {runs_dir}")
    metric = resolve_metric(metric_name, {m for r in runs for s in r.systems.values() for m in s.metrics})
    return runs, metric
