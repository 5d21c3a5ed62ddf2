"""`bench compare-approaches RUNS_DIR`: generation vs tagging, per task, paired on the same articles.

For every task with a generate run and a tagger run under RUNS_DIR on the same split of the same
data folder, the chosen system of each (default: adapted) is scored on the articles both evaluated
(a run made with --limit-articles pairs with a full one on its articles), and a paired
article bootstrap gives the difference tagger - generate, its CI and p-value. An all-techniques pair
also gets one row per technique (the metric restricted to that technique).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from ptc_bench.benchmark import limits
from ptc_bench.benchmark.commands._options import in_range


def register(subparsers: Any) -> None:
    """Add `bench compare-approaches`."""
    parser = subparsers.add_parser(
        "compare-approaches",
        help="generate vs tagger per task, with the paired difference and p-value on the same articles",
        description="Pair the newest generate and tagger runs of each task under RUNS_DIR (same split of the "
        "same data folder), score the chosen system of each on the articles both evaluated and test the "
        "difference.",
    )
    parser.add_argument("runs_dir", type=Path, metavar="RUNS_DIR", help="folder searched for results.json")
    parser.add_argument("--metric", default="si_f1", help="span metric to compare (default: si_f1)")
    parser.add_argument(
        "--system", default="adapted", help="system of each run to compare (default: adapted)"
    )
    parser.add_argument(
        "--iterations", type=in_range(limits.ITERATIONS), default=1000, help="bootstrap iterations"
    )
    parser.add_argument("--seed", type=in_range(limits.SEED), default=0)
    parser.add_argument("--out", type=Path, help="output folder (default: RUNS_DIR/approaches)")
    from ptc_bench.benchmark.approaches import APPROACH_NAMES

    parser.add_argument(
        "--approaches",
        nargs=2,
        choices=APPROACH_NAMES,
        default=list(APPROACH_NAMES[:2]),
        metavar=("FIRST", "SECOND"),
        help="the two approaches to pair; the difference is SECOND - FIRST "
        f"(default: {' '.join(APPROACH_NAMES[:2])})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the table and write approaches.md and approaches.json."""
    from ptc_bench.benchmark.console import wide_console
    from ptc_bench.core.errors import UserError
    from ptc_bench.reports.metric_names import resolve_metric
    from ptc_bench.reports.render import to_console_table, to_markdown
    from ptc_bench.reports.results import load_runs_tolerant

    runs, _unreadable = load_runs_tolerant(args.runs_dir)
    first, second = args.approaches
    pairs = pair_runs(runs, args.system, first, second)
    if not pairs:
        raise UserError(
            f"no task under {args.runs_dir} has both a {first} and a {second} run with system "
            f"{args.system!r} on the same split of the same data folder"
        )
    metric = resolve_metric(args.metric, {m for r in runs for s in r.systems.values() for m in s.metrics})
    rows = [row for one, other in pairs for row in compare_pair(one, other, args, metric)]
    frame = approaches_frame(rows, metric, first, second)
    from ptc_bench.core.safe_write import atomic_write_text, output_folder

    if args.out is not None:
        out = output_folder(args.out)
    else:
        out = output_folder(args.runs_dir / "approaches", within=args.runs_dir)
    atomic_write_text(out / "approaches.md", to_markdown(frame) + "\n")
    atomic_write_text(out / "approaches.json", json.dumps(rows, indent=2) + "\n")
    console = wide_console()
    console.print(
        to_console_table(frame, title=f"{metric}: {second} - {first} ({args.system}), paired by article")
    )
    console.print(f"wrote {out / 'approaches.md'} and approaches.json", highlight=False, markup=False)
    return 0


def pair_runs(runs: list[Any], system: str, first: str, second: str) -> list[tuple[Any, Any]]:
    """(`first` run, `second` run) per (task, split, data folder): the newest of each with `system`."""
    newest: dict[tuple[str, str, str, str], Any] = {}
    for run in runs:
        if system not in run.systems:
            continue
        key = (run.task, run.split, run.data.dir, run.model.approach)
        if key not in newest or run.created > newest[key].created:
            newest[key] = run
    pairs = []
    for (task, split, data_dir, approach), run in sorted(newest.items()):
        if approach == first and (task, split, data_dir, second) in newest:
            pairs.append((run, newest[(task, split, data_dir, second)]))
    return pairs


def compare_pair(one: Any, other: Any, args: argparse.Namespace, metric: str) -> list[dict[str, Any]]:
    """The rows of one task: the task's scope, then each technique of an all-techniques task."""
    from ptc_bench.metrics.summary import compare_systems, summarize_system
    from ptc_bench.tasks import get_task

    first, second = one.model.approach, other.model.approach
    task = get_task(one.task)
    split = _evaluated_split(one)
    predictions = [_predictions(run, args.system) for run in (one, other)]
    articles = sorted(set(predictions[0]) & set(predictions[1]))
    if not articles:
        return []
    gold = {a: task.gold(split.gold(a)) for a in articles}
    texts = {a: split.articles[a].text for a in articles}
    firsts, seconds = ({a: p.get(a, ()) for a in articles} for p in predictions)
    agnostic = task.technique_agnostic
    scopes: list[tuple[str, tuple[str, ...]]] = [(task.name, task.scope)]
    if len(task.scope) > 1:  # all-techniques: each technique too
        scopes += [(f"  {label}", (label,)) for label in task.labels]
    rows = []
    for name, scope in scopes:
        values = [
            summarize_system(p, gold, texts, techniques=scope, technique_agnostic=agnostic, iterations=0)
            .metrics[metric]
            .value
            for p in (firsts, seconds)
        ]
        (test,) = compare_systems(
            firsts,
            seconds,
            gold,
            texts,
            metrics=(metric,),
            techniques=scope,
            technique_agnostic=agnostic,
            iterations=args.iterations,
            seed=args.seed,
        )
        rows.append(
            {
                "task": name,
                "articles": len(articles),
                f"{first}_model": one.model.base,
                first: values[0],
                f"{second}_model": other.model.base,
                second: values[1],
                "difference": test.difference,
                "ci": list(test.ci),
                "p_value": test.p_value,
                f"{first}_run": one.run_id,
                f"{second}_run": other.run_id,
            }
        )
    return rows


def approaches_frame(rows: list[dict[str, Any]], metric: str, first: str, second: str) -> Any:
    """The table: task, models, both values, the difference (second - first) with its CI, p, articles."""
    import pandas as pd

    return pd.DataFrame(
        {
            "task": [r["task"] for r in rows],
            f"{first} model": [r[f"{first}_model"] for r in rows],
            f"{first} {metric}": [r[first] for r in rows],
            f"{second} model": [r[f"{second}_model"] for r in rows],
            f"{second} {metric}": [r[second] for r in rows],
            f"{second} - {first}": [r["difference"] for r in rows],
            "95% CI": [tuple(r["ci"]) for r in rows],
            "p": [r["p_value"] for r in rows],
            "articles": [r["articles"] for r in rows],
        }
    )


def _evaluated_split(run: Any) -> Any:
    """The split a run was scored on, loaded from the data folder its results name."""
    from ptc_bench.benchmark.data import load_split, load_train_and_validation

    if run.split == "validation":
        return load_train_and_validation(Path(run.data.dir))[1]
    return load_split(Path(run.data.dir), run.split)


def _predictions(run: Any, system: str) -> dict[str, tuple[Any, ...]]:
    """A run's predicted spans of `system` by article, from its samples.jsonl."""
    from ptc_bench.core.types import Span
    from ptc_bench.reports.results import load_samples

    found: dict[str, list[Span]] = defaultdict(list)
    for record in load_samples(run.run_dir):
        if record.system == system:
            found[record.article_id].extend(Span(s.start, s.end, s.technique) for s in record.spans)
            found.setdefault(record.article_id, [])
    return {article: tuple(spans) for article, spans in found.items()}
