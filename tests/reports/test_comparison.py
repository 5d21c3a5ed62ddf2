"""Adapter comparison matrix, diagonal gains and the planning of missing cross-evaluations."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from ptc_bench.benchmark.run.cross_eval import CrossEvalJob, plan_cross_evaluations
from ptc_bench.core.records import RunResults
from ptc_bench.reports.comparison import comparison_matrix, diagonal_gains
from ptc_bench.reports.selection import select_comparable
from tests.reports.run_helpers import load_runs


def _comparable(runs_dir: Path) -> list:
    return select_comparable(load_runs(runs_dir), "dev")[0]


def test_matrix_rows_adapters_columns_tasks(runs_dir: Path) -> None:
    matrix = comparison_matrix(_comparable(runs_dir), "flc_f1")
    assert matrix.index.name == "adapter (trained for)"
    assert list(matrix.index) == ["base", "name-calling", "slogans"]
    assert list(matrix.columns) == ["name-calling", "slogans"]
    assert matrix.loc["base"].tolist() == pytest.approx([0.2, 0.1])
    assert matrix.loc["name-calling"].tolist() == pytest.approx([0.5, 0.15])
    assert matrix.loc["slogans", "name-calling"] is None
    assert matrix.loc["slogans", "slogans"] == pytest.approx(0.4)


def test_two_adapters_for_one_technique_are_told_apart(fake: ModuleType) -> None:
    first = RunResults.from_json(fake.results_dict("r1", adapter_hash="1" * 64))
    second = RunResults.from_json(fake.results_dict("r2", adapter_hash="2" * 64, adapted_f1=0.6))
    matrix = comparison_matrix([first, second], "flc_f1")
    assert list(matrix.index) == ["base", "name-calling (11111111)", "name-calling (22222222)"]


def test_diagonal_gain_with_paired_test(runs_dir: Path) -> None:
    diagonal = diagonal_gains(_comparable(runs_dir), "flc_f1")
    assert list(diagonal.index) == ["name-calling", "slogans"]
    assert diagonal.loc["slogans", "base"] == pytest.approx(0.1)
    assert diagonal.loc["slogans", "adapted"] == pytest.approx(0.4)
    assert diagonal.loc["slogans", "gain"] == pytest.approx(0.3)
    assert diagonal.loc["slogans", "gain CI"] == pytest.approx((0.25, 0.35))
    assert diagonal.loc["slogans", "p-value"] == pytest.approx(0.012)
    assert diagonal.loc["name-calling", "run"] == "20240501-nc"


def test_plan_lists_only_missing_pairs(runs_dir: Path) -> None:
    jobs = plan_cross_evaluations(_comparable(runs_dir))
    assert jobs == [
        CrossEvalJob(
            adapter_dir=runs_dir / "20240502-slogans" / "adapter",
            adapter_task="slogans",
            eval_task="name-calling",
            out_dir=runs_dir / "cross-eval" / "slogans--on--name-calling--bbbbbbbb",
            source_run_dir=runs_dir / "20240502-slogans",
            adapter_hash="b" * 64,
        )
    ]


def test_plan_honours_out_root(runs_dir: Path, tmp_path: Path) -> None:
    jobs = plan_cross_evaluations(_comparable(runs_dir), out_root=tmp_path / "x")
    assert [job.out_dir.parent for job in jobs] == [tmp_path / "x"]


def test_plan_ignores_in_memory_results(fake: ModuleType) -> None:
    assert plan_cross_evaluations([RunResults.from_json(fake.results_dict())]) == []
