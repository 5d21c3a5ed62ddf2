"""The PTC table: one row per technique (and the official SI and TC tasks) from published runs.

For each task: the newest finished generative run of the chosen model (its base and adapted systems,
the paired p of adapted - base, and the training windows of its adapter) and the newest tagger
result of the chosen tagger model (the adapted system of a run or of an eval of a trained tagger).
Only dev runs on the PTC release count (never the sample corpus). The headline metric is SI F1, and
for technique classification the official TC score (accuracy over the gold spans, tc_accuracy).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ptc_bench.core.records import DEFAULT_APPROACH, MetricValue, RunResults
from ptc_bench.core.techniques import SLUGS

OFFICIAL_TASKS = ("span-identification", "technique-classification")
ROWS = (*SLUGS, *OFFICIAL_TASKS)
HEADER = (
    "task",
    "training windows",
    "base (95% CI)",
    "adapted (95% CI)",
    "adapted − base, p",
    "tagger (95% CI)",
)


@dataclass(frozen=True)
class TableRow:
    """One task's cells, as text."""

    task: str
    training_windows: str
    base: str
    adapted: str
    p_value: str
    tagger: str

    def cells(self) -> tuple[str, ...]:
        return (self.task, self.training_windows, self.base, self.adapted, self.p_value, self.tagger)


def headline_metric(task: str) -> str:
    """SI F1, or the official TC score for technique classification."""
    return "tc_accuracy" if task == "technique-classification" else "si_f1"


def ptc_table(runs: Sequence[RunResults], *, model: str, tagger_model: str) -> list[TableRow]:
    """The rows of the table, in technique order then SI and TC; '–' where nothing is published."""
    dev = [run for run in runs if run.split == "dev" and not run.data.is_sample]
    rows = []
    for task in ROWS:
        metric = headline_metric(task)
        generative = _newest(
            r for r in dev if r.task == task and r.kind == "run" and _is(r, DEFAULT_APPROACH, model)
        )
        tagger = _newest(
            r for r in dev if r.task == task and _is(r, "tagger", tagger_model) and "adapted" in r.systems
        )
        comparison = generative.comparison(metric) if generative is not None else None
        rows.append(
            TableRow(
                task=task,
                training_windows=_training_windows(generative),
                base=_cell(generative, "base", metric),
                adapted=_cell(generative, "adapted", metric),
                p_value="–"
                if comparison is None
                else f"{comparison.difference:+.3f}, p = {comparison.p_value:.3f}",
                tagger=_cell(tagger, "adapted", metric),
            )
        )
    return rows


def to_markdown_table(rows: Sequence[TableRow]) -> str:
    """The rows as a Markdown table (numbers right-aligned)."""
    lines = ["| " + " | ".join(HEADER) + " |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def _is(run: RunResults, approach: str, model: str) -> bool:
    return run.model.approach == approach and run.model.base == model


def _newest(runs: Iterable[RunResults]) -> RunResults | None:
    found = sorted(runs, key=lambda r: (r.created, r.run_id))
    return found[-1] if found else None


def _cell(run: RunResults | None, system: str, metric: str) -> str:
    if run is None or system not in run.systems:
        return "–"
    value = run.systems[system].metrics.get(metric)
    return _with_ci(value)


def _with_ci(value: MetricValue | None) -> str:
    if value is None or value.value is None:
        return "–"
    if value.ci is None:
        return f"{value.value:.3f}"
    return f"{value.value:.3f} ({value.ci[0]:.2f}–{value.ci[1]:.2f})"


def _training_windows(run: RunResults | None) -> str:
    """The adapter's training windows, from the training manifest published beside the run."""
    if run is None or run.run_dir is None:
        return "–"
    for name in ("train-manifest.json", "train/manifest.json"):
        path = run.run_dir / name
        if path.is_file():
            try:
                n_train = json.loads(path.read_text(encoding="utf-8"))["data"]["n_train"]
            except (OSError, ValueError, KeyError, TypeError):
                return "–"
            return f"{int(n_train):,}"
    return "–"
