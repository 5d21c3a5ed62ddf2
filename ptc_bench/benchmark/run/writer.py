"""Write a run folder: results.json, samples.jsonl, official-format predictions, manifest.json.

It only writes: the numbers come from `benchmark.run.scoring.score_run`.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.evaluation.evaluate import SystemOutcome
from ptc_bench.benchmark.run.record import Started, now, toolkit_provenance
from ptc_bench.benchmark.run.scoring import RunContext
from ptc_bench.core.manifests import RunManifest, TrainManifest
from ptc_bench.core.records import AdapterInfo, RunResults
from ptc_bench.core.safe_write import StagedFiles, output_folder


def write_run_folder(
    context: RunContext,
    record: RunResults,
    manifest: RunManifest,
    outcomes: Mapping[str, SystemOutcome],
) -> None:
    """Write manifest.json, results.json, samples.jsonl and the official-format prediction files.

    All of them are written to temporaries first and renamed in only when every one was written,
    so a full disk leaves the folder as it was (never a new results.json beside old samples), and
    no file or folder is written through a symbolic link that leads out of the run folder.
    """
    run_dir = output_folder(context.run_dir)
    predictions = output_folder(run_dir / "predictions", within=run_dir)
    with StagedFiles() as staged:
        staged.write_text(run_dir / "manifest.json", _json(manifest.to_json()))
        staged.write_text(run_dir / "results.json", _json(record.to_json()))
        with staged.open(run_dir / "samples.jsonl") as handle:
            for outcome in outcomes.values():
                for sample in outcome.records:
                    handle.write(json.dumps(sample.to_json(), ensure_ascii=False) + "\n")
        _stage_predictions(staged, predictions, outcomes)


def adapter_info(context: RunContext) -> AdapterInfo | None:
    """The adapter's record: its path relative to the run folder, content hash and trained-for task."""
    if context.adapter_dir is None:
        return None
    from ptc_bench.benchmark.models.loading import adapter_hash

    trained = TrainManifest.read(context.adapter_dir.parent / "manifest.json")
    task = (trained.task if trained is not None else None) or context.task.name
    return AdapterInfo(
        relative_to_run(context.adapter_dir, context.run_dir), adapter_hash(context.adapter_dir), task
    )


def relative_to_run(path: Path, run_dir: Path) -> str:
    """`path` as stored in a run folder: relative to the run folder, so it resolves from any cwd."""
    return Path(os.path.relpath(Path(path).resolve(), Path(run_dir).resolve())).as_posix()


def run_manifest(
    context: RunContext, adapter: AdapterInfo | None, *, started: Started | None = None
) -> RunManifest:
    """What was run, on what, with which versions: enough to reproduce the numbers (status success)."""
    from ptc_bench.benchmark.training.train import package_versions

    identity = dict(context.spec.identity())
    identity["data_hash"] = context.data_hash
    identity["adapter_hash"] = adapter.hash if adapter is not None else None
    if context.model_revision is not None:  # a hub revision, or a local folder's content hash
        identity["model_revision"] = context.model_revision
    return RunManifest(
        identity=identity,
        base_model=dict(context.base_model) if context.base_model else None,
        data_dir=str(Path(context.data_dir).resolve()),
        data_option=None if context.is_sample else str(Path(context.data_dir).resolve()),
        wall_seconds=round(context.wall_seconds, 2),
        n_prompts=len(context.items),
        versions=package_versions(),
        host=platform.node(),
        world_size=int(os.environ.get("WORLD_SIZE", "1")),
        status="success",
        started=None if started is None else started.time,
        finished=now(),
        toolkit=toolkit_provenance() if started is None else started.toolkit,
    )


def _stage_predictions(staged: StagedFiles, folder: Path, outcomes: Mapping[str, SystemOutcome]) -> None:
    """Official TAB formats: `<system>-flc.txt` (id technique start end), `<system>-si.txt`."""
    for system, outcome in outcomes.items():
        rows = sorted((aid, span) for aid, spans in outcome.predictions.items() for span in spans)
        with staged.open(folder / f"{system}-flc.txt") as handle:
            for aid, span in rows:
                if span.technique is not None:
                    handle.write(f"{aid}\t{span.technique}\t{span.start}\t{span.end}\n")
        with staged.open(folder / f"{system}-si.txt") as handle:
            for aid, start, end in sorted({(aid, s.start, s.end) for aid, s in rows}):
                handle.write(f"{aid}\t{start}\t{end}\n")


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
