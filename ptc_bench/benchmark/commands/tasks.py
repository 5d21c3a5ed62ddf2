"""`bench tasks`: the registered tasks with their labels and gold span counts on the chosen data."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ptc_bench.core.types import Span, SplitData
    from ptc_bench.tasks import Task

COUNTED_SPLITS: tuple[str, ...] = ("train", "dev")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `tasks` sub-command."""
    parser = subparsers.add_parser(
        "tasks",
        help="list the tasks (technique, all-techniques, SI, TC) with gold span counts",
        description="List every task: name, kind, PTC label(s) and the number of gold spans the task "
        "counts in train and dev (span identification merges overlapping spans, as its scorer does).",
    )
    parser.add_argument("--data-dir", help="PTC release folder (default: $PTC_DATA_DIR, else the sample)")
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the task table (or JSON) for the chosen corpus."""
    from ptc_bench.benchmark.data import load_split, resolve_data_dir
    from ptc_bench.tasks import list_tasks

    source = resolve_data_dir(args.data_dir)
    if source.notice:
        print(source.notice, file=sys.stderr)
    splits = {name: load_split(source.path, name) for name in COUNTED_SPLITS}
    rows = [task_row(task, splits) for task in list_tasks()]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(f"data: {source.path}{' (sample corpus)' if source.is_sample else ''}")
        print(format_table(rows))
    return 0


def task_row(task: Task, splits: dict[str, SplitData]) -> dict[str, Any]:
    """One task's listing: name, kind, labels and its gold span count per split."""
    row: dict[str, Any] = {"name": task.name, "kind": task.kind, "labels": list(task.labels)}
    for name, split in splits.items():
        row[f"{name}_spans"] = count_task_spans(task, split)
    return row


def count_task_spans(task: Task, split: SplitData) -> int:
    """Gold spans the task counts: its techniques' spans; for SI, the merged character ranges."""
    total = 0
    for article_id in split.articles:
        spans = [span for span in split.gold(article_id) if task.counts(span)]
        total += len(merge_overlaps(spans)) if task.technique_agnostic else len(spans)
    return total


def merge_overlaps(spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Character ranges after merging overlapping spans (spans that only touch stay apart)."""
    merged: list[tuple[int, int]] = []
    for span in sorted(spans):
        if merged and span.start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span.end))
        else:
            merged.append((span.start, span.end))
    return merged


def format_table(rows: list[dict[str, Any]]) -> str:
    """Plain aligned columns: name, kind, label(s), train and dev span counts."""
    header = ("task", "kind", "label(s)", "train", "dev")
    lines = [header]
    for row in rows:
        labels = row["labels"]
        shown = labels[0] if len(labels) == 1 else f"all {len(labels)} techniques"
        lines.append((row["name"], row["kind"], shown, str(row["train_spans"]), str(row["dev_spans"])))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for line in lines:
        cells = [cell.ljust(width) for cell, width in zip(line[:3], widths[:3], strict=True)]
        cells += [cell.rjust(width) for cell, width in zip(line[3:], widths[3:], strict=True)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)
