"""What `bench leaderboard` and `bench compare` share: the runs under a folder and the metric asked for."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def load_runs_and_metric(runs_dir: Path, metric_name: str) -> tuple[list[Any], str, list[Any]]:
    """Readable runs under `runs_dir`, the canonical metric name, and the unreadable runs.

    UserError when no run can be read: there is nothing to rank then.
    """
    from ptc_bench.core.errors import UserError
    from ptc_bench.reports.metric_names import resolve_metric
    from ptc_bench.reports.results import load_runs_tolerant

    runs, unreadable = load_runs_tolerant(runs_dir)
    for run in unreadable:  # one bad run never takes the others down: it is skipped, and said so
        print(f"warning: skipping {run.run_dir}: {run.reason}", file=sys.stderr)
    if not runs:
        if unreadable:
            raise UserError(f"no readable results.json under {runs_dir}; {unreadable[0].reason}")
        raise UserError(f"no results.json under {runs_dir}")
    metric = resolve_metric(metric_name, {m for r in runs for s in r.systems.values() for m in s.metrics})
    return runs, metric, unreadable
