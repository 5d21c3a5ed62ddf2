"""`bench compare RUNS_DIR`: per-technique adapters x tasks evaluated, with the base row and heatmap."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ptc_bench.benchmark.run.cross_eval import CrossEvalJob

DEFAULT_FORMATS = "md,png,csv"
ALLOWED_FORMATS = ("md", "png", "csv")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `compare` sub-command."""
    from ptc_bench.benchmark.generation.engines import engine_choices

    parser = subparsers.add_parser(
        "compare",
        help="compare per-technique adapters on every technique's task (heatmap)",
        description="Tabulate every adapter found under RUNS_DIR (rows, by the technique it was trained "
        "for, plus the base model) on every task evaluated (columns). Missing cross-evaluations (an "
        "adapter on another technique's task) are generated first unless --no-generate.",
    )
    parser.add_argument("runs_dir", type=Path, metavar="RUNS_DIR", help="folder searched for results.json")
    parser.add_argument("--metric", default="flc-f1", help="metric in the cells (default: flc-f1)")
    parser.add_argument("--split", default="dev", help="split compared (default: dev)")
    parser.add_argument(
        "--data-hash", default=None, help="compare runs on this data hash (prefix); default: the majority"
    )
    parser.add_argument(
        "--format", default=DEFAULT_FORMATS, help=f"comma-separated formats (default: {DEFAULT_FORMATS})"
    )
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: RUNS_DIR/compare)")
    parser.add_argument(
        "--no-generate", action="store_true", help="only tabulate existing results; run no cross-evaluation"
    )
    parser.add_argument(
        "--engine",
        choices=("recorded", *engine_choices()),
        default="recorded",
        help="engine of the cross-evaluations: recorded (default) = the one each adapter's run used; "
        "auto, hf or vllm as for bench run",
    )
    parser.add_argument(
        "--trust-remote-code",
        action="store_true",
        help="allow model code from the hub in cross-evaluations (never taken from a run's manifest)",
    )
    parser.set_defaults(handler=run)


def generate(
    jobs: Sequence[CrossEvalJob], *, trust_remote_code: bool = False, engine: str | None = None
) -> None:
    """Run the missing cross-evaluations, one run folder each (`engine` None: each source run's)."""
    from ptc_bench.benchmark.generation.engines.vllm_pool import shared_engines
    from ptc_bench.benchmark.models.loading import adapter_rank
    from ptc_bench.benchmark.run import cross_eval

    largest = max((rank for job in jobs if (rank := adapter_rank(job.adapter_dir)) is not None), default=None)
    with shared_engines(min_lora_rank=largest):  # vLLM with LoRA: one engine for every adapter
        for number, job in enumerate(jobs, start=1):
            print(
                f"[{number}/{len(jobs)}] {job.adapter_task} adapter on {job.eval_task} -> {job.out_dir}",
                file=sys.stderr,
            )
            cross_eval.run_cross_evaluation(job, trust_remote_code=trust_remote_code, engine=engine)


def run(args: argparse.Namespace) -> int:
    """Generate what is missing (unless --no-generate), then write the matrix, diagonal and heatmap."""
    from ptc_bench.benchmark.commands._runs import load_runs_and_metric
    from ptc_bench.benchmark.console import wide_console
    from ptc_bench.benchmark.run.cross_eval import plan_cross_evaluations
    from ptc_bench.reports.board_report import build_comparison, write_comparison
    from ptc_bench.reports.options import parse_formats
    from ptc_bench.reports.render import to_console_table
    from ptc_bench.reports.results import load_runs_tolerant
    from ptc_bench.reports.selection import select_comparable

    formats = parse_formats(args.format, ALLOWED_FORMATS)
    engine = None
    if args.engine != "recorded":
        from ptc_bench.benchmark.generation.engines import resolve_engine_here

        engine = resolve_engine_here(args.engine)  # vLLM missing: one line, before any work
    runs, metric, unreadable = load_runs_and_metric(args.runs_dir, args.metric)
    for bad in unreadable:
        print(f"bench compare: skipping an unreadable run: {bad.reason}", file=sys.stderr)
    jobs = plan_cross_evaluations(select_comparable(runs, args.split, args.data_hash)[0])
    if jobs and not args.no_generate:
        generate(jobs, trust_remote_code=args.trust_remote_code, engine=engine)
        runs = load_runs_tolerant(args.runs_dir)[0]
        jobs = plan_cross_evaluations(select_comparable(runs, args.split, args.data_hash)[0])
    comparison = build_comparison(runs, metric, args.split, jobs, args.data_hash)
    from ptc_bench.core.safe_write import output_folder

    out = (
        output_folder(args.out)
        if args.out
        else output_folder(args.runs_dir / "compare", within=args.runs_dir)
    )
    written = write_comparison(comparison, out, formats)
    console = wide_console()
    console.print(to_console_table(comparison.matrix, title=f"{metric}: adapter (rows) x task evaluated"))
    console.print(to_console_table(comparison.diagonal, title="diagonal: gain over base"))
    for path in written:
        console.print(f"wrote {path}", highlight=False, markup=False)
    return 0
