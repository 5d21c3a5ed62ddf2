"""`bench oracle`: the oracle round trip, the ceiling the phrase-output design can reach."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ptc_bench.benchmark import limits
from ptc_bench.benchmark.commands._options import in_range

ORACLE_METRICS = ("si_precision", "si_recall", "si_f1", "flc_f1", "exact_f1", "token_f1")


def register(subparsers: Any) -> None:
    """Add `bench oracle`."""
    parser = subparsers.add_parser(
        "oracle",
        help="score the gold answers through the parser and aligner (the phrase-output ceiling)",
        description="Gold spans -> phrases -> answer JSON -> parser -> aligner -> score, for each task. "
        "Shows what a perfect phrase list would score and what the occurrence policy costs.",
    )
    parser.add_argument("--task", default="all", help="task name, or 'all' (every task)")
    parser.add_argument("--split", default="dev", choices=("train", "dev"))
    parser.add_argument("--policy", default="both", choices=("all", "first", "both"))
    parser.add_argument("--window-chars", type=in_range(limits.WINDOW_CHARS), default=1200)
    parser.add_argument(
        "--data-dir", help="PTC release folder (default: $PTC_DATA_DIR, else the sample corpus)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handler of `bench oracle`."""
    import sys

    from ptc_bench.benchmark.data import load_split, resolve_data_dir
    from ptc_bench.benchmark.evaluation.oracle import oracle_round_trip
    from ptc_bench.metrics.align import AlignPolicy
    from ptc_bench.tasks import get_task, list_tasks

    source = resolve_data_dir(args.data_dir)
    if source.notice:
        print(source.notice, file=sys.stderr)
    split = load_split(source.path, args.split)
    tasks = list_tasks() if args.task == "all" else [get_task(args.task)]
    policies: tuple[AlignPolicy, ...] = ("all", "first") if args.policy == "both" else (args.policy,)
    rows: list[dict[str, Any]] = []
    for task in tasks:
        for policy in policies:
            result = oracle_round_trip(task, split, window_chars=args.window_chars, policy=policy)
            row: dict[str, Any] = {"task": task.name, "policy": policy}
            row.update({m: result.summary.metrics[m].value for m in ORACLE_METRICS})
            row["hallucination_rate"] = result.outcome.hallucination_rate
            row["json_validity"] = result.outcome.json_validity
            rows.append(row)
    if args.json:
        print(json.dumps({"split": args.split, "data_dir": str(source.path), "rows": rows}, indent=2))
    else:
        _print_table(rows, args.split)
    return 0


def _print_table(rows: list[dict[str, Any]], split: str) -> None:
    from rich.table import Table

    from ptc_bench.benchmark.console import wide_console

    table = Table(title=f"Oracle round trip on {split}")
    columns = ["task", "policy", *ORACLE_METRICS, "hallucination_rate", "json_validity"]
    for column in columns:
        table.add_column(column, justify="left" if column in ("task", "policy") else "right")
    for row in rows:
        table.add_row(*(row[c] if isinstance(row[c], str) else f"{row[c]:.3f}" for c in columns))
    wide_console().print(table)
