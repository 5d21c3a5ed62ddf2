"""`bench perf`: measured speed and memory of our recipes against the naive way, side by side."""

from __future__ import annotations

import argparse
from pathlib import Path

from ptc_bench.benchmark.perf.settings import SECTIONS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `perf` sub-command."""
    from ptc_bench.benchmark.generation.engines import engine_choices
    from ptc_bench.benchmark.models.catalogue import DEFAULT_MODEL

    parser = subparsers.add_parser(
        "perf",
        help="measure training cost, generation speed, scoring, start-up and memory against the naive way",
        description="Run each comparison (ours vs the naive way) in one run, side by side, print a "
        "table and write perf.json. Training token counts are exact for one epoch; training wall time is "
        "extrapolated from steps timed in fresh processes; each training and generation lever is its own "
        "row. GPU rows are measured only when CUDA is available.",
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"a catalogue name (default {DEFAULT_MODEL}; 'tiny' for a one-minute check) or a model folder",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a few minutes on 2 CPU cores")
    parser.add_argument("--data-dir", help="PTC release folder (default: $PTC_DATA_DIR, else the sample)")
    parser.add_argument("--out", type=Path, default=Path("perf.json"), help="where to write perf.json")
    parser.add_argument("--task", default="name-calling", help="task whose prompts are measured")
    parser.add_argument("--only", metavar="S1,S2", help=f"run only these sections ({', '.join(SECTIONS)})")
    parser.add_argument(
        "--engine",
        choices=engine_choices(),
        default="auto",
        help="generation rows: our hf path always; with vllm (or auto resolving to it, on CUDA) the "
        "vLLM engine on the same windows beside it",
    )
    parser.add_argument(
        "--adapter",
        type=Path,
        help="a LoRA adapter folder for --model: the generation rows of the adapted model too (one at "
        "a time with peft's adapter, our hf path, and vLLM with --engine vllm)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Measure, print the table, write perf.json."""

    from ptc_bench.benchmark.console import status_printer, wide_console
    from ptc_bench.benchmark.perf.report import build_table, write_report
    from ptc_bench.benchmark.perf.settings import PerfSettings
    from ptc_bench.benchmark.perf.suite import run_perf

    sections = tuple(s.strip() for s in args.only.split(",") if s.strip()) if args.only else SECTIONS
    from ptc_bench.benchmark.generation.engines import resolve_engine_here

    if args.adapter is not None:  # a missing or damaged adapter: one line, before any work
        from ptc_bench.benchmark.models.adapter_check import verify_adapter

        verify_adapter(args.adapter)  # AdapterError names the folder

    settings = PerfSettings(
        model=args.model,
        quick=args.quick,
        data_dir=args.data_dir,
        task=args.task,
        sections=sections,
        engine=resolve_engine_here(args.engine),  # vLLM asked for but missing: one line, before work
        adapter=str(args.adapter) if args.adapter is not None else None,
    )
    report = run_perf(settings, status_printer())
    console = wide_console(220)
    machine = report.context["machine"]
    title = (
        f"bench perf{' --quick' if args.quick else ''}: {machine['cpu']}, {machine['cores']} cores, "
        f"load {machine['load_average_start'][0]:.2f} at start"
    )
    console.print(build_table(report.rows, title))
    write_report(report, args.out)
    measured = [row for row in report.rows if not row.skipped and row.target != "info"]
    met = sum(1 for row in measured if row.met)
    timings = ", ".join(f"{name} {sec:.0f} s" for name, sec in report.context["section_seconds"].items())
    console.print(
        f"targets met: {met}/{len(measured)} measured; took {report.context['wall_seconds']:.0f} s "
        f"(model {report.context['model']['resolve_seconds']:.0f} s; {timings}); perf.json: {args.out}"
    )
    return 0
