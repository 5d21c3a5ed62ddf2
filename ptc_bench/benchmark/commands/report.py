"""`bench report RUN_DIR`: the report of one run (Markdown, HTML, CSV, PNG, JSON summary)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ptc_bench.benchmark.commands._options import non_negative_int

DEFAULT_FORMATS = "md,html,csv,png,json"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` sub-command."""
    parser = subparsers.add_parser(
        "report",
        help="report one run: base vs adapted with CIs, parse errors, sample browser",
        description="Write the report of one run folder (written by `bench run`): the base-vs-adapted "
        "table with bootstrap CIs and the paired test, the JSON parse outcomes, the hallucination rate, "
        "the oracle ceiling, plots, and an HTML sample browser.",
    )
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder holding results.json")
    parser.add_argument(
        "--format", default=DEFAULT_FORMATS, help=f"comma-separated formats (default: {DEFAULT_FORMATS})"
    )
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: RUN_DIR/report)")
    parser.add_argument(
        "--articles",
        type=non_negative_int,
        default=3,
        help="articles shown in the HTML sample browser (default: 3)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the report files and print the score table."""
    from ptc_bench.benchmark.console import wide_console
    from ptc_bench.reports.options import parse_formats
    from ptc_bench.reports.render import to_console_table
    from ptc_bench.reports.results import load_results
    from ptc_bench.reports.run_report import FORMATS, write_run_report
    from ptc_bench.reports.tables import run_table

    formats = parse_formats(args.format, FORMATS)
    results = load_results(args.run_dir)
    written = write_run_report(args.run_dir, formats, args.out, n_articles=args.articles)
    console = wide_console()
    console.print(to_console_table(run_table(results), title=f"{results.run_id} · {results.task}"))
    for path in written:
        console.print(f"wrote {path}", highlight=False, markup=False)
    return 0
