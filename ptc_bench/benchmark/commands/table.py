"""`bench table RESULTS_DIR`: the PTC table (one row per technique, SI and TC) of published runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add `bench table`."""
    parser = subparsers.add_parser(
        "table",
        help="the PTC table of a results folder: per technique, base, adapted, paired p, tagger",
        description="One row per technique (and span-identification, technique-classification): the "
        "newest generative run of --model (training windows, base and adapted SI F1 with 95% CIs, the "
        "paired difference and p) and the newest tagger result of --tagger-model, as a Markdown table. "
        "Only dev runs on the PTC release count.",
    )
    parser.add_argument("results_dir", type=Path, metavar="RESULTS_DIR", help="e.g. results/ptc-dev")
    parser.add_argument(
        "--model", default="smollm2-135m", help="the generative model (default: smollm2-135m)"
    )
    parser.add_argument("--tagger-model", default="minilm-l6", help="the tagger's model (default: minilm-l6)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handler: print the table."""
    import sys

    from ptc_bench.reports.ptc_table import ptc_table, to_markdown_table
    from ptc_bench.reports.results import load_runs_tolerant

    runs, unreadable = load_runs_tolerant(args.results_dir)
    for bad in unreadable:
        print(f"left out: {bad.run_dir}: {bad.reason}", file=sys.stderr)
    print(to_markdown_table(ptc_table(runs, model=args.model, tagger_model=args.tagger_model)))
    return 0
