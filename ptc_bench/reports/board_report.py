"""`bench leaderboard` and `bench compare` outputs: Markdown, HTML, CSV and the heatmap PNG."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from ptc_bench.core.hashing import short_hash
from ptc_bench.core.records import RunResults
from ptc_bench.core.safe_write import atomic_write_text, output_folder
from ptc_bench.metrics.registry import higher_is_better
from ptc_bench.reports import plots
from ptc_bench.reports.comparison import comparison_matrix, diagonal_gains
from ptc_bench.reports.html_page import page
from ptc_bench.reports.leaderboard import leaderboard_pivot, leaderboard_table
from ptc_bench.reports.render import markdown_text, to_html_table, to_markdown, write_csv
from ptc_bench.reports.results import UnreadableRun
from ptc_bench.reports.selection import ExcludedRun, select_comparable


class MissingPair(Protocol):
    """An (adapter, task) pair with no results yet (the engine's `CrossEvalJob` is one)."""

    @property
    def adapter_task(self) -> str: ...

    @property
    def eval_task(self) -> str: ...


def excluded_table(excluded: Sequence[ExcludedRun], unreadable: Sequence[UnreadableRun] = ()) -> pd.DataFrame:
    """Runs left out of a ranking: which, on what data, and why (sorted by run id; unreadable ones last)."""
    excluded = sorted(excluded, key=lambda e: (e.run.run_id, e.reason))
    rows: list[dict[str, object]] = [
        {"task": e.run.task, "split": e.run.split, "data": short_hash(e.run.data.hash), "reason": e.reason}
        for e in excluded
    ]
    names = [e.run.run_id for e in excluded]
    for bad in sorted(unreadable, key=lambda u: str(u.run_dir)):
        reason = bad.reason if bad.reason.startswith("unfinished") else f"unreadable: {bad.reason}"
        rows.append({"task": None, "split": None, "data": None, "reason": reason})
        names.append(bad.run_dir.name)
    return pd.DataFrame(
        rows,
        index=pd.Index(names, name="run"),
        columns=["task", "split", "data", "reason"],
        dtype=object,
    )


@dataclass(frozen=True)
class Leaderboard:
    """The leaderboard tables of one runs folder for one metric and split."""

    metric: str
    split: str
    ranked: pd.DataFrame
    by_task: pd.DataFrame | None
    excluded: pd.DataFrame

    def sections(self) -> list[tuple[str, pd.DataFrame]]:
        """(heading, table) in report order; the same list feeds every format."""
        parts = [("Ranking", self.ranked)]
        if self.by_task is not None:
            parts.append((f"By task ({self.metric})", self.by_task))
        if len(self.excluded.index):
            parts.append(("Not ranked", self.excluded))
        return parts

    def intro(self) -> str:
        """One line saying what is ranked, how, and how best values are marked."""
        direction = "higher" if higher_is_better(self.metric) else "lower"
        data = self.ranked["data"].iloc[0] if len(self.ranked.index) else "–"
        return (
            f"Split `{self.split}`, data `{data}`: ranked by {self.metric} ({direction} is better); "
            "the best value of each column is bold. Runs on other data or splits are listed apart."
        )


def build_leaderboard(
    runs: Sequence[RunResults],
    metric: str,
    split: str = "dev",
    data_hash: str | None = None,
    unreadable: Sequence[UnreadableRun] = (),
) -> Leaderboard:
    """Rank the comparable runs and pivot them by task; excluded and unreadable runs listed apart."""
    ranked, excluded = leaderboard_table(runs, metric, split=split, data_hash=data_hash)
    left_out = {id(e.run) for e in excluded}
    kept = [run for run in runs if id(run) not in left_out]
    table = excluded_table(excluded, unreadable)
    return Leaderboard(metric, split, ranked, leaderboard_pivot(kept, metric), table)


def leaderboard_markdown(board: Leaderboard) -> str:
    """The leaderboard as a Markdown document."""
    lines = [f"# Leaderboard: {board.metric} on {board.split}", "", board.intro(), ""]
    for heading, table in board.sections():
        lines += [f"## {heading}", "", to_markdown(table)]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_leaderboard(board: Leaderboard, out: Path, formats: Sequence[str]) -> list[Path]:
    """Write leaderboard.md / .html and one CSV per table; returns the files."""
    output_folder(out)
    written = []
    stems = {"Ranking": "leaderboard", "Not ranked": "leaderboard-excluded"}
    if "md" in formats:
        atomic_write_text(out / "leaderboard.md", leaderboard_markdown(board))
        written.append(out / "leaderboard.md")
    if "html" in formats:
        body = [(heading, to_html_table(table)) for heading, table in board.sections()]
        intro = f"<p>{_html_text(board.intro())}</p>"
        document = page(f"Leaderboard: {board.metric} on {board.split}", body, intro=intro)
        atomic_write_text(out / "leaderboard.html", document)
        written.append(out / "leaderboard.html")
    if "csv" in formats:
        for heading, table in board.sections():
            written.append(write_csv(table, out / f"{stems.get(heading, 'leaderboard-by-task')}.csv"))
    return written


def _html_text(text: str) -> str:
    return html.escape(text).replace("`", "")


@dataclass(frozen=True)
class AdapterComparison:
    """The adapter comparison of one runs folder."""

    metric: str
    matrix: pd.DataFrame
    diagonal: pd.DataFrame
    missing: tuple[MissingPair, ...]
    excluded: pd.DataFrame


def build_comparison(
    runs: Sequence[RunResults],
    metric: str,
    split: str = "dev",
    missing: Sequence[MissingPair] = (),
    data_hash: str | None = None,
) -> AdapterComparison:
    """The matrix and the diagonal gains over the comparable runs."""
    kept, excluded = select_comparable(runs, split, data_hash)
    return AdapterComparison(
        metric,
        comparison_matrix(kept, metric),
        diagonal_gains(kept, metric),
        tuple(missing),
        excluded_table(excluded),
    )


def comparison_markdown(comparison: AdapterComparison, heatmap: str | None = None) -> str:
    """The comparison as a Markdown document."""
    lines = [
        f"# Adapter comparison: {comparison.metric}",
        "",
        "Rows: the base model and each adapter, named by the technique it was trained for; columns: "
        "the task evaluated. The diagonal is each adapter on its own technique (specificity), the "
        "other cells are transfer. Best per column in bold; `–` = not evaluated.",
        "",
        to_markdown(comparison.matrix),
        "## Diagonal: adapter vs base on its own technique",
        "",
        "gain = adapted - base, with the paired bootstrap CI and p-value of the run.",
        "",
        to_markdown(comparison.diagonal),
    ]
    if comparison.missing:
        lines += ["## Missing cross-evaluations", ""]
        lines += [
            f"- {markdown_text(job.adapter_task)} adapter on {markdown_text(job.eval_task)}"
            for job in comparison.missing
        ] + [""]
    if len(comparison.excluded.index):
        lines += ["## Not compared", "", to_markdown(comparison.excluded)]
    if heatmap:
        lines += ["## Heatmap", "", f"![{comparison.metric} heatmap]({heatmap})", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_comparison(comparison: AdapterComparison, out: Path, formats: Sequence[str]) -> list[Path]:
    """Write compare.md, heatmap.png and the matrix/diagonal CSVs; returns the files."""
    output_folder(out)
    written = []
    has_cells = len(comparison.matrix.index) > 0 and len(comparison.matrix.columns) > 0
    if "png" in formats and has_cells:
        written.append(plots.heatmap(comparison.matrix, out / "heatmap.png", comparison.metric))
    if "csv" in formats:
        written.append(write_csv(comparison.matrix, out / "compare-matrix.csv"))
        written.append(write_csv(comparison.diagonal, out / "compare-diagonal.csv"))
    if "md" in formats:
        image = "heatmap.png" if "png" in formats and has_cells else None
        atomic_write_text(out / "compare.md", comparison_markdown(comparison, image))
        written.append(out / "compare.md")
    return written
