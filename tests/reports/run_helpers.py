"""Test helper: every run under a folder, read strictly (the commands read them tolerantly)."""

from __future__ import annotations

from pathlib import Path

from ptc_bench.core.records import RunResults
from ptc_bench.reports.results import find_runs, load_results


def load_runs(runs_dir: Path) -> list[RunResults]:
    """load_results for every run folder under `runs_dir`; the first unreadable one raises."""
    return [load_results(run_dir) for run_dir in find_runs(runs_dir)]
