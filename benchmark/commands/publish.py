"""`bench publish RUN_DIR`: a run's scores and predictions, copied where a repository can keep them.

`results/ptc-dev/<run id>/` holds results.json, manifest.json, the official-format prediction files
and report.md: what is needed to read, rank and re-score a published number (`bench score` on the
predictions, `bench leaderboard results/ptc-dev`). Never weights, caches, logs or samples.jsonl (the
completions quote the corpus), and no file over 1 MB.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from core.errors import UserError

DEFAULT_DESTINATION = Path("results") / "ptc-dev"
COPIED = ("results.json", "manifest.json")
PREDICTIONS = "predictions"
MAX_BYTES = 1_000_000


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `publish` sub-command."""
    parser = subparsers.add_parser(
        "publish",
        help="copy a run's scores, manifest and predictions into a results folder (no weights)",
        description="Copy results.json, manifest.json, predictions/*.txt and a Markdown report of a run "
        "folder into DEST/<run id>/, replacing an earlier copy of the same run.",
    )
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder (bench run/eval)")
    parser.add_argument(
        "--to", type=Path, default=DEFAULT_DESTINATION, help=f"destination (default: {DEFAULT_DESTINATION})"
    )
    parser.set_defaults(handler=run)


def published_files(run_dir: Path) -> list[Path]:
    """The files of `run_dir` that are published, checked to exist and to be at most 1 MB each."""
    files = [run_dir / name for name in COPIED]
    files += sorted((run_dir / PREDICTIONS).glob("*.txt"))
    for path in files:
        if not path.is_file():
            raise UserError(f"{path}: missing; publish a finished run folder")
        if path.stat().st_size > MAX_BYTES:
            raise UserError(f"{path}: {path.stat().st_size:,} bytes, over the 1 MB a published file may have")
    return files


def publish(run_dir: Path, destination: Path) -> Path:
    """Copy the published files of `run_dir` and its report.md to `destination/<run id>/`."""
    from reports.results import load_results
    from reports.run_report import render_markdown

    results = load_results(run_dir / "results.json")  # validated: a broken run is not published
    files = published_files(run_dir)
    target = destination / run_dir.resolve().name
    staging = destination / f".{target.name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / PREDICTIONS).mkdir(parents=True)
    for path in files:
        shutil.copyfile(path, staging / path.relative_to(run_dir))
    (staging / "report.md").write_text(render_markdown(results), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def run(args: argparse.Namespace) -> int:
    """Handler: publish and name the folder written."""
    target = publish(args.run_dir, args.to)
    print(f"published {args.run_dir} -> {target}")
    return 0
