"""Plots exist, are real PNGs of the expected size, and open as images."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image

from ptc_bench.reports.board_report import build_comparison
from ptc_bench.reports.plots import DPI, heatmap, heatmap_size, metric_bars, metric_bars_size
from ptc_bench.reports.results import load_results
from tests.reports.run_helpers import load_runs


def _shape(size: tuple[float, float]) -> tuple[int, int]:
    return round(size[1] * DPI), round(size[0] * DPI)


def test_metric_bars(run_dir: Path, tmp_path: Path) -> None:
    path = metric_bars(load_results(run_dir), tmp_path / "metrics.png")
    assert path.stat().st_size > 1024
    image = matplotlib.image.imread(path)
    assert image.shape[:2] == _shape(metric_bars_size(6)) and image.shape[2] in (3, 4)
    assert image.std() > 0.01  # not a blank canvas


def test_heatmap(runs_dir: Path, tmp_path: Path) -> None:
    matrix = build_comparison(load_runs(runs_dir), "flc_f1").matrix
    path = heatmap(matrix, tmp_path / "heatmap.png", "flc_f1")
    assert path.stat().st_size > 1024
    image = matplotlib.image.imread(path)
    assert image.shape[:2] == _shape(heatmap_size(3, 2))
    assert image.std() > 0.01
