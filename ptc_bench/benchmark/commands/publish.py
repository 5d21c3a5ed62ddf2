"""`bench publish RUN_DIR`: a run's scores and predictions, copied where a repository can keep them.

`results/ptc-dev/<run id>/` holds results.json, manifest.json, the official-format prediction files
and report.md: what is needed to read, rank and re-score a published number (`bench score` on the
predictions, `bench leaderboard results/ptc-dev`), and train-manifest.json, the training manifest of
the run's adapter or tagger when it has one (its recipe, losses and data counts). Never weights,
caches, logs or samples.jsonl (the completions quote the corpus), and no file over 1 MB.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ptc_bench.core.errors import UserError
from ptc_bench.core.records import RunResults

DEFAULT_DESTINATION = Path("results") / "ptc-dev"
COPIED = ("results.json", "manifest.json")
TRAIN_MANIFEST = "train-manifest.json"  # the adapter's (or tagger's) manifest.json, when there is one
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
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="the run's data folder when it moved (default: the one results.json records); the "
        "predictions are re-scored against its gold before anything is copied",
    )
    parser.set_defaults(handler=run)


def published_files(results: RunResults) -> list[Path]:
    """The files of a run that are published: results.json, manifest.json and the official-format
    prediction files of its systems (nothing else of predictions/), each a plain file of at most 1 MB."""
    from ptc_bench.benchmark.run.verify import prediction_files

    assert results.run_dir is not None
    files = [results.run_dir / name for name in COPIED] + prediction_files(results)
    _check_sizes(files)
    return files


def train_manifest(run_dir: Path, adapter_path: str | None) -> Path | None:
    """The manifest.json beside the run's adapter or tagger folder (recorded relative to the run)."""
    if adapter_path is None:
        return None
    from ptc_bench.core.manifests import TrainManifest

    path = (run_dir / adapter_path).parent / "manifest.json"
    if not path.is_file() or path.resolve() == (run_dir / "manifest.json").resolve():
        return None
    if TrainManifest.read(path) is None:  # not a training manifest: nothing to publish
        return None
    _check_sizes([path])
    return path


def _check_destination(destination: Path, target: Path) -> None:
    """`--to` a folder (made when missing) that is no link, and no link where the run's copy goes."""
    from ptc_bench.core.safe_write import output_folder

    for path in (destination, target):
        if path.is_symlink():
            raise UserError(f"{path} is a symbolic link; refusing to publish through it")
    if destination.exists() and not destination.is_dir():
        raise UserError(f"--to {destination}: not a folder")
    output_folder(destination)
    if target.exists() and not target.is_dir():
        raise UserError(f"{target} exists and is not a published run folder")


def _check_sizes(files: list[Path]) -> None:
    for path in files:
        if path.is_symlink():  # a link in a run folder may point anywhere: never publish its target
            raise UserError(f"{path}: a symbolic link; refusing to publish what it points to")
        if not path.is_file():
            raise UserError(f"{path}: missing; publish a finished run folder")
        if path.stat().st_size > MAX_BYTES:
            raise UserError(f"{path}: {path.stat().st_size:,} bytes, over the 1 MB a published file may have")


def publish(run_dir: Path, destination: Path, *, data_dir: Path | None = None) -> Path:
    """Copy the published files of `run_dir` and its report.md to `destination/<run id>/`, once its
    predictions are checked to be in the official format and to re-score to its numbers."""
    from ptc_bench.benchmark.run.verify import verify_run
    from ptc_bench.reports.results import load_results
    from ptc_bench.reports.run_report import render_markdown

    _check_sizes([run_dir / "results.json"])
    results = load_results(run_dir / "results.json")  # validated: a broken run is not published
    files = published_files(results)
    verify_run(results, data_dir=data_dir)
    trained = train_manifest(run_dir, results.adapter.path if results.adapter is not None else None)
    target = destination / run_dir.resolve().name
    _check_destination(destination, target)
    staging = destination / f".{target.name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        (staging / PREDICTIONS).mkdir(parents=True)
        for path in files:
            shutil.copyfile(path, staging / path.relative_to(run_dir))
        if trained is not None:
            shutil.copyfile(trained, staging / TRAIN_MANIFEST)
        (staging / "report.md").write_text(render_markdown(results), encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    except OSError as error:
        raise UserError(f"cannot publish into {destination}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # nothing staged is left behind
    return target


def run(args: argparse.Namespace) -> int:
    """Handler: publish and name the folder written."""
    target = publish(args.run_dir, args.to, data_dir=args.data_dir)
    print(f"published {args.run_dir} -> {target}")
    return 0
