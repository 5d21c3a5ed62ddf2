"""Golden files: the Markdown of a fixed set of fake runs. Regenerate with PTC_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ptc_bench.benchmark.run.cross_eval import plan_cross_evaluations
from ptc_bench.reports.board_report import (
    build_comparison,
    build_leaderboard,
    comparison_markdown,
    leaderboard_markdown,
)
from ptc_bench.reports.results import load_results
from ptc_bench.reports.run_report import render_markdown
from ptc_bench.reports.selection import select_comparable
from tests.reports.run_helpers import load_runs

GOLDEN = Path(__file__).with_name("golden")


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PTC_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with PTC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_report_markdown(run_dir: Path) -> None:
    _check("report.md", render_markdown(load_results(run_dir), images=["metrics.png"]))


def test_leaderboard_markdown(runs_dir: Path) -> None:
    _check("leaderboard.md", leaderboard_markdown(build_leaderboard(load_runs(runs_dir), "flc_f1")))


def test_compare_markdown(runs_dir: Path) -> None:
    runs = load_runs(runs_dir)
    missing = plan_cross_evaluations(select_comparable(runs, "dev")[0])
    _check(
        "compare.md", comparison_markdown(build_comparison(runs, "flc_f1", missing=missing), "heatmap.png")
    )


@pytest.mark.parametrize("name", ["report.md", "leaderboard.md", "compare.md"])
def test_golden_files_have_no_machine_paths(name: str) -> None:
    text = (GOLDEN / name).read_text(encoding="utf-8")
    assert "/tmp" not in text and "pytest" not in text
