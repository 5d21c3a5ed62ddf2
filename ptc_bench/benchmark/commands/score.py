"""`bench score`: score an official-format prediction file (SI, FLC or TC) against PTC gold labels."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

_TASKS = ("si", "flc", "tc")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `score` sub-command."""
    parser = subparsers.add_parser(
        "score",
        help="score a prediction file in the official SemEval-2020 Task 11 format",
        description="Score predictions (TAB-separated; si: id start end; flc/tc: id technique start end) "
        "against gold labels with the official SI/FLC/TC definitions. Overlapping predictions are merged.",
    )
    parser.add_argument("--task", choices=_TASKS, required=True, help="which official score to compute")
    parser.add_argument("--pred", type=Path, metavar="FILE", help="the prediction file")
    parser.add_argument(
        "--gold", type=Path, metavar="PATH", help="a folder of per-article .labels files or one .labels file"
    )
    parser.add_argument(
        "--articles",
        type=Path,
        metavar="DIR",
        help="article texts, to check offsets (default: the sibling <split>-articles folder of --gold)",
    )
    parser.add_argument(
        "--techniques", metavar="L1,L2", help="flc only: score just these techniques (labels or slugs)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load gold and predictions, check them, score, print."""
    from ptc_bench.core.errors import UserError
    from ptc_bench.core.techniques import LABELS

    if args.pred is None or args.gold is None:
        raise UserError("--pred FILE and --gold PATH are required")
    if args.techniques and args.task != "flc":
        raise UserError("--techniques applies to --task flc only")
    techniques = parse_techniques(args.techniques) if args.techniques else LABELS
    result = score_prediction_file(args.task, args.pred, args.gold, args.articles, techniques)
    if result["n_pred"] == 0 and result["n_gold"] == 0 and args.task != "tc":
        import sys

        print(
            "note: no gold and no predicted spans; F1 1.0 is the official scorer's convention "
            "(bench run and bench eval report this case as undefined)",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(result))
    else:
        print_score_table(args.task, result, args.pred)
    return 0


def parse_techniques(value: str) -> tuple[str, ...]:
    """PTC labels from a comma-separated list of labels or slugs (labels may contain commas)."""
    from ptc_bench.core.errors import UserError
    from ptc_bench.core.techniques import LABELS, SLUGS, technique_by_slug

    pieces = [piece.strip() for piece in value.split(",")]
    chosen: list[str] = []
    start = 0
    while start < len(pieces):
        for stop in range(len(pieces), start, -1):
            candidate = ",".join(pieces[start:stop])
            if candidate in LABELS or candidate in SLUGS:
                label = candidate if candidate in LABELS else technique_by_slug(candidate).label
                if label not in chosen:
                    chosen.append(label)
                start = stop
                break
        else:
            raise UserError(f"unknown technique {pieces[start]!r} in --techniques; use labels or slugs")
    return tuple(chosen)


def score_prediction_file(
    task: str, pred_path: Path, gold_path: Path, articles_dir: Path | None, techniques: tuple[str, ...]
) -> dict[str, Any]:
    """The `--json` object for one prediction file: precision, recall, f1, per_technique, n_pred, n_gold."""
    from ptc_bench.core.errors import UserError
    from ptc_bench.metrics.prediction_io import (
        check_predictions,
        check_tc_predictions,
        default_articles_dir,
        load_gold,
        read_predictions,
        rows_to_spans,
    )
    from ptc_bench.metrics.semeval import score_flc, score_si, score_tc

    if articles_dir is not None and not articles_dir.is_dir():
        raise UserError(f"--articles {articles_dir}: not a folder")
    gold = load_gold(gold_path, articles_dir or default_articles_dir(gold_path))
    if task != "si" and gold.kind == "si":
        raise UserError(f"--task {task} needs FLC/TC gold (id technique start end); {gold_path} has SI rows")
    rows = read_predictions(pred_path, "si" if task == "si" else "flc")
    check_predictions(rows, gold)
    pred = rows_to_spans(rows)
    if task == "si":
        si = score_si(pred, gold.spans)
        return _result(si.precision, si.recall, si.f1, {}, si.n_pred, si.n_gold)
    if task == "flc":
        flc = score_flc(pred, gold.spans, techniques)
        per_technique = {label: _prf(s.precision, s.recall, s.f1) for label, s in flc.per_technique.items()}
        return _result(flc.precision, flc.recall, flc.f1, per_technique, flc.n_pred, flc.n_gold)
    check_tc_predictions(rows, gold, pred_path)
    tc = score_tc(pred, gold.spans)
    per_technique = {label: _prf(s.precision, s.recall, s.f1) for label, s in tc.per_technique.items()}
    return _result(tc.precision, tc.recall, tc.f1, per_technique, tc.n_pred, tc.n_gold)


def print_score_table(task: str, result: dict[str, Any], pred_path: Path) -> None:
    """A rich table: one row per technique (FLC/TC) and the overall row."""
    from rich.table import Table

    from ptc_bench.benchmark.console import wide_console

    table = Table(title=f"{task.upper()} scores of {pred_path}")
    for column in ("technique", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "technique" else "right")
    for label, scores in result["per_technique"].items():
        table.add_row(label, *(f"{scores[key]:.4f}" for key in ("precision", "recall", "f1")))
    table.add_section()
    overall = "overall" if task != "tc" else "micro (accuracy)"
    table.add_row(overall, *(f"{result[key]:.4f}" for key in ("precision", "recall", "f1")), style="bold")
    console = wide_console()
    console.print(table)
    console.print(f"predicted spans: {result['n_pred']}   gold spans: {result['n_gold']}")


def _prf(precision: float, recall: float, f1: float) -> dict[str, float]:
    """A {precision, recall, f1} object."""
    return {"precision": precision, "recall": recall, "f1": f1}


def _result(
    precision: float,
    recall: float,
    f1: float,
    per_technique: dict[str, dict[str, float]],
    n_pred: int,
    n_gold: int,
) -> dict[str, Any]:
    """The `--json` object, keys in the documented order."""
    return {**_prf(precision, recall, f1), "per_technique": per_technique, "n_pred": n_pred, "n_gold": n_gold}
