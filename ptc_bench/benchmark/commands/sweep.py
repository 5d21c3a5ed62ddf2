"""`bench sweep PLAN`: run a plan of jobs resumably; `bench sweep status PLAN`: where each job stands.

Every job is checked before any work (its flags through `bench run`'s own parser and pre-flight
checks, its run folder computed as `bench run` computes it), so a bad plan is one line naming the
file and the job. Jobs then run one at a time (`sweep/local.py`); a finished job is skipped, a
partial one resumes. See docs/sweeps.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ptc_bench.core.errors import UserError

if TYPE_CHECKING:
    from ptc_bench.benchmark.stage.stage import PreparedData
    from ptc_bench.benchmark.sweep.estimate import Work
    from ptc_bench.benchmark.sweep.local import PlannedJob
    from ptc_bench.benchmark.sweep.plan import Plan

ACTIONS = ("status", "estimate")


def register(subparsers: Any) -> None:
    """Add `bench sweep`."""
    parser = subparsers.add_parser(
        "sweep",
        help="run a plan of jobs (tasks x models x approaches) one at a time, resumably; or its status",
        description="`bench sweep PLAN.toml` runs every job of the plan that is not done (a stopped sweep "
        "resumes where it was); `bench sweep status PLAN.toml` prints where each job stands and the time "
        "left; `bench sweep estimate PLAN.toml` prints the work and the time before starting.",
    )
    parser.add_argument("words", nargs="+", metavar="[status|estimate] PLAN", help="the plan file (TOML)")
    parser.add_argument(
        "--publish", type=Path, help="publish each finished run into this folder (as `bench publish --to`)"
    )
    parser.set_defaults(handler=sweep_command)


def sweep_command(args: argparse.Namespace) -> int:
    """Handler of `bench sweep`."""
    from ptc_bench.benchmark.sweep.plan import read_plan

    words = args.words
    if len(words) == 1:
        action, plan_path = "run", words[0]
    elif len(words) == 2 and words[0] in ACTIONS:
        action, plan_path = words
    else:
        raise UserError(f"expected PLAN, status PLAN or estimate PLAN; got {' '.join(words)!r}")
    plan = read_plan(Path(plan_path))
    planned, works = plan_jobs(plan)
    print_table(plan, planned, works)
    if action != "run":
        return 0
    return run_plan(plan, planned, publish=args.publish or plan.publish)


def plan_jobs(plan: Plan) -> tuple[list[PlannedJob], list[Work]]:
    """Every job checked as `bench run` checks its flags, with its run folder and its counted work."""
    from ptc_bench.benchmark.commands.run import parse_spec
    from ptc_bench.benchmark.run.runner import planned_run_dir, prepare_data
    from ptc_bench.benchmark.sweep.estimate import count_work
    from ptc_bench.benchmark.sweep.local import PlannedJob

    loaded: dict[tuple[Any, ...], PreparedData] = {}
    planned, works = [], []
    for job in plan.jobs:
        try:
            spec = parse_spec(job.command, job.argv)
            key = (spec.data_dir, spec.split, spec.limit_articles)
            if key not in loaded:
                loaded[key] = prepare_data(spec, lambda _line: None)
            planned.append(PlannedJob(job, planned_run_dir(spec, loaded[key])))
            works.append(count_work(spec, loaded[key]))
        except UserError as error:
            raise UserError(f"{plan.path}: job {job.index} ({job.name}): {error}") from None
    return planned, works


def print_table(plan: Plan, planned: list[PlannedJob], works: list[Work]) -> None:
    """One line per job (state, work, time spent, time left) and the totals."""
    from ptc_bench.benchmark.plain_progress import duration
    from ptc_bench.benchmark.sweep.estimate import rates, seconds_left
    from ptc_bench.benchmark.sweep.state import SweepLog, job_state

    records = SweepLog(plan.runs_dir).records()
    states = [job_state(item.job.key, item.run_dir, records) for item in planned]
    known = rates([(w, s.seconds) for w, s in zip(works, states, strict=True) if s.state == "done"])
    print(f"plan {plan.path}: {len(planned)} jobs, runs in {plan.runs_dir}")
    header = ("job", "name", "state", "train windows", "eval prompts", "spent", "left")
    rows = []
    left_total, unknown = 0.0, 0
    for item, work, state in zip(planned, works, states, strict=True):
        left = 0.0 if state.state == "done" else seconds_left(work, known)
        if left is None:
            unknown += 1
        else:
            left_total += left
        train = f"{work.train_windows} x {work.epochs:.3g}" if work.train_windows else "-"
        rows.append(
            (
                str(item.job.index),
                item.job.name,
                state.state + (f" ({state.error})" if state.state == "failed" and state.error else ""),
                train,
                f"{work.eval_prompts} x {work.systems}",
                duration(state.seconds) if state.seconds else "-",
                "-" if left == 0.0 else "?" if left is None else duration(left),
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    counts = {name: sum(s.state == name for s in states) for name in ("done", "partial", "failed", "pending")}
    spent = sum(s.seconds for s in states)
    characters = sum(w.characters for w, s in zip(works, states, strict=True) if s.state != "done")
    left_text = duration(left_total) + (f" + {unknown} job(s) of a kind not measured yet" if unknown else "")
    print(
        f"{counts['done']} done, {counts['partial']} partial, {counts['failed']} failed, "
        f"{counts['pending']} pending; spent {duration(spent)}; left {left_text}; "
        f"{characters:,} prompt characters still to process"
    )
    if known:
        print(
            "rates measured here: " + "; ".join(f"{k}: {v:.2f} s per unit" for k, v in sorted(known.items()))
        )


def run_plan(plan: Plan, planned: list[PlannedJob], *, publish: Path | None) -> int:
    """Run the jobs not done; 0 when every job is done at the end, 1 when one failed."""
    from ptc_bench.benchmark.sweep.local import run_local
    from ptc_bench.benchmark.sweep.state import SweepLog

    def publish_run(item: PlannedJob) -> None:
        from ptc_bench.benchmark.commands.publish import publish as publish_folder

        assert publish is not None
        try:
            target = publish_folder(item.run_dir, publish)
        except UserError as error:
            print(f"[{item.job.index} {item.job.name}] not published: {error}", flush=True)
        else:
            print(f"[{item.job.index} {item.job.name}] published -> {target}", flush=True)

    log = SweepLog(plan.runs_dir)
    outcomes = run_local(planned, log, after_success=publish_run if publish is not None else None)
    failed = [outcome for outcome in outcomes if outcome.state == "failed"]
    print(f"sweep: {len(outcomes) - len(failed)} of {len(outcomes)} jobs done", flush=True)
    for outcome in failed:
        print(f"  failed: job {outcome.job.index} ({outcome.job.name}): {outcome.error}", file=sys.stderr)
    return 1 if failed else 0
