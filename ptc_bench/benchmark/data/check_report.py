"""Console tables for `bench data check`: one summary table by split, one per-technique table."""

from __future__ import annotations

from collections.abc import Callable

from ptc_bench.benchmark.data.stats import CorpusStats, SplitStats
from ptc_bench.core.techniques import TECHNIQUES

_Row = tuple[str, Callable[[SplitStats], object]]
_SUMMARY_ROWS: tuple[_Row, ...] = (
    ("articles", lambda s: s.articles),
    ("characters", lambda s: s.characters),
    ("technique spans (FLC/TC rows)", lambda s: s.gold.spans if s.gold else None),
    ("SI rows", lambda s: s.gold.si_spans if s.gold else None),
    ("SI rows not inside a technique span", lambda s: s.gold.si_not_covered if s.gold else None),
    ("overlapping span pairs", lambda s: s.gold.overlapping_pairs if s.gold else None),
    ("multi-label spans (2+ techniques)", lambda s: s.gold.multi_label_spans if s.gold else None),
    ("duplicate rows", lambda s: s.gold.duplicate_rows if s.gold else None),
    ("articles without labels", lambda s: s.gold.empty_label_articles if s.gold else None),
    ("windows", lambda s: s.windows.windows),
    ("longest window (chars)", lambda s: s.windows.longest),
    ("windows over budget", lambda s: s.windows.over_budget),
    ("spans clipped by window boundaries", lambda s: s.windows.clipped_spans if s.gold else None),
)


def print_tables(stats: CorpusStats, *, is_sample: bool) -> None:
    """Print the summary and per-technique tables to stdout."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    budget = stats.splits[0].windows.max_chars if stats.splits else 0
    kind = "embedded sample corpus" if is_sample else "PTC release"
    console.print(f"{kind} at {stats.data_dir}: valid")
    summary = Table(title=f"splits (windows of <= {budget:,} characters)")
    summary.add_column("")
    for split in stats.splits:
        summary.add_column(split.name, justify="right")
    for name in stats.absent:
        summary.add_column(name, justify="right")
    for label, value_of in _SUMMARY_ROWS:
        cells = [_cell(value_of(split)) for split in stats.splits] + ["absent"] * len(stats.absent)
        summary.add_row(label, *cells)
    console.print(summary)

    gold_splits = [split for split in stats.splits if split.gold is not None]
    if not gold_splits:
        console.print("no split has gold labels")
        return
    techniques = Table(title="technique spans by split")
    techniques.add_column("technique (PTC label)", overflow="fold")
    techniques.add_column("slug", overflow="fold")
    for split in gold_splits:
        techniques.add_column(split.name, justify="right")
    for technique in TECHNIQUES:
        counts = [_cell(split.gold.techniques.get(technique.label, 0)) for split in gold_splits if split.gold]
        techniques.add_row(technique.label, technique.slug, *counts)
    techniques.add_row("total", "", *[_cell(split.gold.spans) for split in gold_splits if split.gold])
    console.print(techniques)


def _cell(value: object) -> str:
    """A table cell: thousands separators for numbers, 'no gold' for missing values."""
    if value is None:
        return "no gold"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
