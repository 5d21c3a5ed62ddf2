"""Choose which runs may be compared: same split and same data hash, never mixed silently."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import short_hash
from ptc_bench.core.records import RunResults


@dataclass(frozen=True)
class ExcludedRun:
    """A run left out of a ranking, and why."""

    run: RunResults
    reason: str


def majority_data_hash(runs: Sequence[RunResults]) -> str | None:
    """The data hash most runs share (ties: the one of the most recent run)."""
    if not runs:
        return None
    counts = Counter(run.data.hash for run in runs)
    latest = {run.data.hash: run.created for run in sorted(runs, key=lambda r: r.created)}
    return max(counts, key=lambda h: (counts[h], latest[h]))


def select_comparable(
    runs: Sequence[RunResults], split: str, data_hash: str | None = None
) -> tuple[list[RunResults], list[ExcludedRun]]:
    """Runs on `split` with the selected (or majority) data hash; the others with the reason.

    A run that evaluated no window is never comparable: its scores are vacuous (F1 = 1 on nothing).
    """
    runs, excluded = _one_per_run_id(runs)
    excluded += [
        ExcludedRun(run, "no evaluated windows (its scores mean nothing)") for run in runs if _is_empty(run)
    ]
    runs = [run for run in runs if not _is_empty(run)]
    on_split = [run for run in runs if run.split == split]
    excluded += [
        ExcludedRun(run, f"split is {run.split!r}, not {split!r}") for run in runs if run.split != split
    ]
    if data_hash is not None:
        matching = {run.data.hash for run in on_split if run.data.hash.startswith(data_hash)}
        if len(matching) != 1:
            found = "no run" if not matching else f"{len(matching)} different hashes"
            raise UserError(f"data hash {data_hash!r} matches {found} on split {split!r}")
        chosen: str | None = matching.pop()
        how = "the selected one"
    else:
        chosen = majority_data_hash(on_split)
        how = "the majority's"
    kept = [run for run in on_split if run.data.hash == chosen]
    excluded += [
        ExcludedRun(
            run,
            f"data hash {short_hash(run.data.hash)}{' (sample corpus)' if run.data.is_sample else ''} "
            f"differs from {how} {short_hash(chosen or '')}",
        )
        for run in on_split
        if run.data.hash != chosen
    ]
    return kept, excluded


def _one_per_run_id(runs: Sequence[RunResults]) -> tuple[list[RunResults], list[ExcludedRun]]:
    """The latest run of each run id; the copies (a run folder copied or moved aside) listed apart."""
    latest: dict[str, RunResults] = {}
    for run in sorted(runs, key=lambda r: (r.created, str(r.path or ""))):
        latest[run.run_id] = run
    kept = [run for run in runs if latest[run.run_id] is run]
    copies = [
        ExcludedRun(run, f"same run id as {latest[run.run_id].path or 'a later run'}; the latest is ranked")
        for run in runs
        if latest[run.run_id] is not run
    ]
    return kept, copies


def _is_empty(run: RunResults) -> bool:
    return run.data.n_windows < 1 or run.data.n_articles < 1
