"""PNG plots with matplotlib's Agg canvas (no display, no pyplot state): metric bars and the heatmap."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ptc_bench.core.records import RunResults
from ptc_bench.core.safe_write import StagedFiles, output_folder
from ptc_bench.metrics.registry import metric_order
from ptc_bench.reports.formatting import is_missing
from ptc_bench.reports.tables import system_order

DPI = 100
SYSTEM_COLOURS = {"base": "#8c8c8c", "adapted": "#1f77b4"}


def _save(figure: Figure, path: Path) -> Path:
    """Render to memory, then replace the file atomically (never writing through a link)."""
    output_folder(path.parent)
    FigureCanvasAgg(figure)
    image = io.BytesIO()
    figure.savefig(image, dpi=DPI, format="png")
    with StagedFiles() as staged, staged.open(path, "wb") as handle:
        handle.write(image.getvalue())  # type: ignore[arg-type]
    return path


def metric_bars_size(n_metrics: int) -> tuple[float, float]:
    """Figure size (inches) of the metric bar chart for `n_metrics` metrics."""
    return (max(6.0, 0.75 * n_metrics + 2.0), 4.5)


def metric_bars(results: RunResults, path: Path) -> Path:
    """Grouped bars per metric, one bar per system, with the bootstrap CI as whiskers."""
    systems = system_order(results)
    metrics = metric_order({m for s in systems for m in results.systems[s].metrics})
    figure = Figure(figsize=metric_bars_size(len(metrics)), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    width = 0.8 / max(len(systems), 1)
    positions = np.arange(len(metrics))
    for i, system in enumerate(systems):
        scores = [results.systems[system].metrics.get(m) for m in metrics]
        values = [np.nan if s is None or s.value is None else s.value for s in scores]
        intervals = [None if s is None or s.value is None else s.ci for s in scores]
        lower = [
            np.nan if ci is None else max(v - ci[0], 0.0) for v, ci in zip(values, intervals, strict=True)
        ]
        upper = [
            np.nan if ci is None else max(ci[1] - v, 0.0) for v, ci in zip(values, intervals, strict=True)
        ]
        axes.bar(
            positions + (i - (len(systems) - 1) / 2) * width,
            values,
            width,
            yerr=[lower, upper],
            capsize=3,
            label=system,
            color=SYSTEM_COLOURS.get(system),
        )
    axes.set_xticks(positions, [m.replace("_", " ") for m in metrics], rotation=45, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("score (whiskers: bootstrap CI)")
    axes.set_title(f"{results.task} · {results.run_id}")
    axes.legend()
    return _save(figure, path)


def per_technique_bars(table: pd.DataFrame, path: Path) -> Path:
    """FLC F1 per technique for each system (from `per_technique_table`)."""
    systems = [c[: -len(" F1")] for c in table.columns if c.endswith(" F1")]
    figure = Figure(figsize=metric_bars_size(len(table.index)), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    width = 0.8 / max(len(systems), 1)
    positions = np.arange(len(table.index))
    for i, system in enumerate(systems):
        values = [np.nan if is_missing(v) else float(v) for v in table[f"{system} F1"].tolist()]
        axes.bar(
            positions + (i - (len(systems) - 1) / 2) * width,
            values,
            width,
            label=system,
            color=SYSTEM_COLOURS.get(system),
        )
    axes.set_xticks(positions, list(table.index), rotation=45, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("FLC F1")
    axes.legend()
    return _save(figure, path)


def heatmap_size(n_rows: int, n_columns: int) -> tuple[float, float]:
    """Figure size (inches) of a heatmap with this many rows and columns."""
    return (1.25 * n_columns + 3.5, 0.5 * n_rows + 2.5)


def heatmap(matrix: pd.DataFrame, path: Path, metric: str) -> Path:
    """The adapter x task matrix as an annotated heatmap; the diagonal is outlined, missing cells show `–`."""
    values = np.array(
        [[np.nan if is_missing(v) else float(v) for v in row] for row in matrix.itertuples(index=False)],
        dtype=float,
    ).reshape(len(matrix.index), len(matrix.columns))
    figure = Figure(figsize=heatmap_size(*values.shape), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(np.ma.masked_invalid(values), cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for (row, column), value in np.ndenumerate(values):
        text = "–" if np.isnan(value) else f"{value:.3f}"
        colour = "black" if np.isnan(value) or value > 0.6 else "white"
        axes.text(column, row, text, ha="center", va="center", color=colour, fontsize=9)
    for row, label in enumerate(matrix.index):
        if str(label).split(" ")[0] in list(matrix.columns):  # the adapter on its own technique
            column = list(matrix.columns).index(str(label).split(" ")[0])
            axes.add_patch(
                Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2)
            )
    axes.set_xticks(range(len(matrix.columns)), list(matrix.columns), rotation=45, ha="right")
    axes.set_yticks(range(len(matrix.index)), list(matrix.index))
    axes.set_xlabel("task evaluated")
    axes.set_ylabel(str(matrix.index.name or "adapter"))
    axes.set_title(metric.replace("_", " "))
    figure.colorbar(image, ax=axes, fraction=0.05)
    return _save(figure, path)
