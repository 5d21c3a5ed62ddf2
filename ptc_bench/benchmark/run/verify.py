"""A run folder checked against itself: its prediction files in the official format, and its scores
re-computed from them against the gold of its data (`bench publish`, `bench leaderboard --verify`).

SI F1 and FLC F1 of every system are re-computed from `predictions/<system>-si.txt` and
`<system>-flc.txt` with the official definitions, over the articles the run evaluated (the first
`n_articles` of its split, as `--limit-articles` takes them), and must equal results.json's to 1e-9.
Technique classification (one prompt per gold span) is checked for its format only.
"""

from __future__ import annotations

from pathlib import Path

from ptc_bench.core.errors import DataError, UserError
from ptc_bench.core.records import RunResults
from ptc_bench.core.types import Span

PREDICTIONS = "predictions"
TOLERANCE = 1e-9


def prediction_files(results: RunResults) -> list[Path]:
    """The official-format files a run of these systems writes (and nothing else is published)."""
    assert results.run_dir is not None
    folder = results.run_dir / PREDICTIONS
    return [folder / f"{system}-{kind}.txt" for system in results.systems for kind in ("flc", "si")]


def verify_run(results: RunResults, *, data_dir: Path | None = None) -> None:
    """UserError (one line naming the run) unless its predictions are well formed and re-score to
    the numbers results.json states."""
    from ptc_bench.benchmark.data import load_split, load_train_and_validation
    from ptc_bench.metrics.families import score_families
    from ptc_bench.metrics.prediction_io import read_predictions, rows_to_spans
    from ptc_bench.tasks import get_task

    assert results.run_dir is not None
    name = results.run_dir.name
    task = get_task(results.task)
    source = Path(data_dir) if data_dir is not None else Path(results.data.dir)
    if not source.is_dir():
        raise UserError(f"{name}: cannot re-score it: its data folder {source} is missing (give --data-dir)")
    split = (
        load_train_and_validation(source)[1]
        if results.split == "validation"
        else load_split(source, results.split)
    )
    evaluated = sorted(split.articles)[: results.data.n_articles]
    gold = {article: list(task.gold(split.gold(article))) for article in evaluated}
    for system, scored in results.systems.items():
        predictions: dict[str, dict[str, list[Span]]] = {}
        for kind in ("flc", "si"):
            path = results.run_dir / PREDICTIONS / f"{system}-{kind}.txt"
            if path.is_symlink() or not path.is_file():
                raise UserError(f"{name}: {path.name} is missing or not a plain file")
            try:
                predictions[kind] = rows_to_spans(read_predictions(path, kind))
            except DataError as error:
                raise UserError(f"{name}: {path.name} is not in the official format: {error}") from None
            unknown = sorted(set(predictions[kind]) - set(gold))
            if unknown:
                raise UserError(
                    f"{name}: {path.name} names article {unknown[0]}, which the run did not evaluate"
                )
        if task.one_prompt_per_span:
            continue
        pred = predictions["si"] if task.technique_agnostic else predictions["flc"]
        scores = score_families(
            pred,
            gold,
            {},
            techniques=task.scope,
            technique_agnostic=task.technique_agnostic,
            families=("si", "flc"),
        )
        for metric, recomputed in (("si_f1", scores["si"].f1), ("flc_f1", scores["flc"].f1)):
            stated = scored.metrics.get(metric)
            if stated is None or stated.value is None:
                continue
            if abs(stated.value - recomputed) > TOLERANCE:
                raise UserError(
                    f"{name}: results.json says {system} {metric} = {stated.value:.6f}, its predictions "
                    f"re-score to {recomputed:.6f}"
                )
