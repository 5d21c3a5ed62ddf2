"""The README's comparison flow from the user's cwd: two `bench run`, then `bench compare runs`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.run.cross_eval import resolve_adapter_dir
from ptc_bench.reports.results import load_results
from tests.reports.run_helpers import load_runs

FAST = ["--limit-articles", "2", "--window-chars", "500", "--max-steps", "2", "--max-new-tokens", "32"]


def test_two_runs_then_compare_with_the_default_relative_runs_dir(
    tiny_path: Path, sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # the default --runs-dir is `runs`, relative to the user's cwd
    for task in ("name-calling", "slogans"):
        argv = ["run", "--task", task, "--model", str(tiny_path), "--data-dir", str(sample_dir)]
        assert main([*argv, *FAST, "--iterations", "20"]) == 0
    for run in load_runs(Path("runs")):
        assert run.adapter is not None and run.adapter.path == "train/adapter"  # relative to the run folder
        manifest = json.loads((run.path.parent / "manifest.json").read_text(encoding="utf-8"))  # type: ignore[union-attr]
        assert Path(manifest["data_dir"]).is_absolute()

    assert main(["compare", "runs", "--metric", "json-validity", "--format", "csv"]) == 0
    matrix = pd.read_csv(Path("runs/compare/compare-matrix.csv"), dtype=str, keep_default_na=False)
    cells = matrix.set_index("adapter (trained for)")
    for adapter in ("name-calling", "slogans"):
        assert all(cells.loc[adapter, task] != "" for task in ("name-calling", "slogans")), matrix

    # The runs folder still resolves when moved and read from elsewhere.
    moved = tmp_path / "moved-runs"
    shutil.move("runs", moved)
    monkeypatch.chdir(tmp_path)
    for run in load_runs(moved):
        if run.kind == "run":
            assert (resolve_adapter_dir(run) / "adapter_config.json").is_file()
        else:
            assert run.adapter is not None and (run.path.parent / run.adapter.path).is_dir()  # type: ignore[union-attr]
    assert load_results(next(moved.glob("name-calling__*"))).task == "name-calling"
