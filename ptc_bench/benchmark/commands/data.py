"""`bench data check`: validate a PTC release folder and print its counts and window statistics."""

from __future__ import annotations

import argparse
import json
import sys

from ptc_bench.benchmark.commands._options import in_range
from ptc_bench.benchmark.data.stats import DEFAULT_WINDOW_CHARS
from ptc_bench.benchmark.limits import WINDOW_CHARS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `bench data` and its `check` sub-command."""
    data_parser = subparsers.add_parser("data", help="inspect and validate the corpus")
    data_commands = data_parser.add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    data_parser.set_defaults(handler=lambda _args: _print_help(data_parser))
    check = data_commands.add_parser(
        "check",
        help="validate every split and print counts, overlaps and window statistics",
        description="Validate all splits of a PTC release folder (exit 2 with FILE:LINE on the first "
        "problem) and print per-split and per-technique counts, overlap and multi-label counts, and "
        "how the articles cut into windows.",
    )
    check.add_argument(
        "--data-dir", help="PTC release folder (default: $PTC_DATA_DIR, else the embedded sample corpus)"
    )
    check.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    check.add_argument(
        "--window-chars",
        type=in_range(WINDOW_CHARS),
        default=DEFAULT_WINDOW_CHARS,
        metavar="N",
        help=f"window budget in characters for the window statistics (default {DEFAULT_WINDOW_CHARS})",
    )
    check.set_defaults(handler=run, command="data check")


def run(args: argparse.Namespace) -> int:
    """Validate the corpus and print the statistics (tables, or JSON with --json)."""
    from ptc_bench.benchmark.data.source import resolve_data_dir
    from ptc_bench.benchmark.data.stats import check_corpus

    source = resolve_data_dir(args.data_dir)
    if source.notice:
        print(source.notice, file=sys.stderr)
    stats = check_corpus(source.path, window_chars=args.window_chars)
    if args.json:
        print(json.dumps(stats.to_json(is_sample=source.is_sample), indent=2))
    else:
        from ptc_bench.benchmark.data.check_report import print_tables

        print_tables(stats, is_sample=source.is_sample)
    return 0


def _print_help(parser: argparse.ArgumentParser) -> int:
    """`bench data` without a sub-command: show its help."""
    parser.print_help()
    return 0
