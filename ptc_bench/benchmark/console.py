"""Console output of the runner: status lines and the base-vs-adapted summary table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ptc_bench.core.records import RunResults
from ptc_bench.metrics.registry import RUN_SUMMARY


def wide_console(width: int = 160) -> Any:
    """A rich Console for stdout; when piped (no terminal), wide enough that tables are not cut."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=width)


def status_printer() -> Callable[[str], None]:
    """A reporter that prints one dim status line per call on stderr."""
    from rich.console import Console

    console = Console(stderr=True)

    def report(message: str) -> None:
        console.print(f"[dim]bench:[/dim] {message}", highlight=False, soft_wrap=True)  # no hard wraps

    return report


def print_run_summary(run_dir: Path) -> None:
    """Print base vs adapted with CIs and the paired difference (rows of `bench report`'s table)."""
    from rich.table import Table

    from ptc_bench.reports.results import load_results
    from ptc_bench.reports.tables import run_table

    results = load_results(run_dir / "results.json")
    frame = run_table(results)
    systems = [s for s in ("base", "adapted") if s in frame.columns]
    table = Table(
        title=f"{results.task} on {results.split}: {results.data.n_articles} articles, "
        f"{results.data.n_windows} windows"
    )
    table.add_column("metric", no_wrap=True)
    for system in systems:
        table.add_column(f"{system} (95% CI)", justify="right", no_wrap=True)
    if "difference" in frame.columns:
        table.add_column("adapted − base (95% CI)", justify="right", no_wrap=True)
        table.add_column("p", justify="right")
    if "oracle" in frame.columns:
        table.add_column("oracle", justify="right")
    for metric in [m for m in RUN_SUMMARY if m in frame.index]:
        row = frame.loc[metric]
        cells = [metric] + [_with_ci(row[s], row[f"{s} CI"]) for s in systems]
        if "difference" in frame.columns:
            cells += [_with_ci(row["difference"], row["difference CI"], signed=True), _number(row["p-value"])]
        if "oracle" in frame.columns:
            cells.append(_number(row["oracle"]))
        table.add_row(*cells)
    console = wide_console()
    console.print(table)
    sentence = verdict(results)
    if sentence:
        console.print(sentence, highlight=False)
    console.print(f"run folder: {run_dir}  (bench report {run_dir})")
    if results.adapter_changes_outputs is False:
        console.print("[bold red]warning:[/bold red] the adapter did not change a single completion")
    for warning in results.warnings:
        console.print(f"[bold red]warning:[/bold red] {warning}", highlight=False)


def verdict(results: RunResults, metric: str = "si_f1", alpha: float = 0.05) -> str | None:
    """One sentence on what the table means: who wins on `metric`, by how much, and how sure."""
    name = metric.replace("_", " ").upper()
    undefined = [
        system
        for system, scores in sorted(results.systems.items())
        if metric in scores.metrics and scores.metrics[metric].value is None
    ]
    if undefined:
        return (
            f"{name} is undefined for {' and '.join(undefined)}: these articles have no {results.task} "
            "gold span and nothing was predicted, so there is nothing to score (shown as –, never ranked)"
        )
    comparison = results.comparison(metric)
    if comparison is None:
        return None
    low, high = comparison.ci
    evidence = f"95% CI {low:+.2f}..{high:+.2f}, p = {comparison.p_value:.3f}"
    if comparison.p_value < alpha and comparison.difference != 0:
        winner = "adapted beats base" if comparison.difference > 0 else "base beats adapted"
        return f"{winner} on {name} by {abs(comparison.difference):+.2f} ({evidence})"
    difference = f"{comparison.difference:+.2f}"
    return f"no significant difference between adapted and base on {name} ({difference}, {evidence})"


def _number(value: Any, signed: bool = False) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _with_ci(value: Any, ci: Sequence[float] | None, signed: bool = False) -> str:
    text = _number(value, signed)
    if ci is None or text == "–" or not isinstance(ci, (list, tuple)):
        return text
    return f"{text} ({ci[0]:.2f}–{ci[1]:.2f})"
