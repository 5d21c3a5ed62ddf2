"""`bench leaderboard RUNS_DIR`: every comparable run under a folder in one ranked table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

DEFAULT_FORMATS = "md,html,csv"
ALLOWED_FORMATS = ("md", "html", "csv")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `leaderboard` sub-command."""
    parser = subparsers.add_parser(
        "leaderboard",
        help="rank every run under a folder by one metric",
        description="Rank every (run, system) under RUNS_DIR by one metric, with a per-task pivot when "
        "several tasks were run. Runs on another split or with another data hash than the majority "
        "(or --data-hash) are never ranked together: they are listed apart with the reason.",
    )
    parser.add_argument("runs_dir", type=Path, metavar="RUNS_DIR", help="folder searched for results.json")
    parser.add_argument("--split", default="dev", help="split to rank (default: dev)")
    parser.add_argument(
        "--metric", default="flc-f1", help="metric to rank by, e.g. flc-f1, si_f1 (default: flc-f1)"
    )
    parser.add_argument(
        "--data-hash", default=None, help="rank runs on this data hash (prefix); default: the majority"
    )
    parser.add_argument(
        "--format", default=DEFAULT_FORMATS, help=f"comma-separated formats (default: {DEFAULT_FORMATS})"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: RUNS_DIR/leaderboard)"
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="re-score every run from its prediction files against its data's gold first; a run whose "
        "numbers its predictions do not give (or that cannot be re-scored) is listed apart, not ranked",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the leaderboard files and print it."""
    from ptc_bench.benchmark.commands._runs import load_runs_and_metric
    from ptc_bench.benchmark.console import wide_console
    from ptc_bench.reports.board_report import build_leaderboard, write_leaderboard
    from ptc_bench.reports.options import parse_formats
    from ptc_bench.reports.render import to_console_table

    formats = parse_formats(args.format, ALLOWED_FORMATS)
    runs, metric, unreadable = load_runs_and_metric(args.runs_dir, args.metric)
    if args.verify:
        runs, unreadable = _verified(runs, unreadable)
    board = build_leaderboard(runs, metric, args.split, args.data_hash, unreadable)
    written = write_leaderboard(board, _out(args), formats)
    console = wide_console()
    for heading, table in board.sections():
        console.print(to_console_table(table, title=heading))
    for path in written:
        console.print(f"wrote {path}", highlight=False, markup=False)
    return 0


def _verified(runs: list[Any], unreadable: list[Any]) -> tuple[list[Any], list[Any]]:
    """The runs whose predictions re-score to their numbers; the others moved to the unreadable list."""
    from ptc_bench.benchmark.run.verify import verify_run
    from ptc_bench.core.errors import UserError
    from ptc_bench.reports.results import UnreadableRun

    kept = []
    for results in runs:
        try:
            verify_run(results)
        except UserError as error:
            print(f"warning: not ranked: {error}", file=sys.stderr)
            unreadable = [*unreadable, UnreadableRun(results.run_dir, f"does not verify: {error}")]
        else:
            kept.append(results)
    print(f"verified {len(kept)} of {len(runs)} runs against their predictions", file=sys.stderr)
    return kept, unreadable


def _out(args: argparse.Namespace) -> Path:
    """--out, else RUNS_DIR/leaderboard, which may not lead out of RUNS_DIR through a link."""
    from ptc_bench.core.safe_write import output_folder

    if args.out is not None:
        return output_folder(args.out)
    return output_folder(args.runs_dir / "leaderboard", within=args.runs_dir)
