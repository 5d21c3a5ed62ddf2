"""Write a run folder: results.json, samples.jsonl, official-format predictions, manifest.json."""

from __future__ import annotations

import json
import os
import platform
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from benchmark.evaluate import EvalItem, SystemOutcome, task_gold
from benchmark.hashing import stable_hash
from benchmark.types import Span, SplitData
from metrics.semeval import score_tc
from metrics.stats import CounterTable, bootstrap_ci
from metrics.summary import METRIC_NAMES, SystemSummary, compare_systems, summarize_system
from tasks import Task

NO_ANSWER = "<no answer>"  # the TC label of a completion that gave none (always wrong)
COMPARED_METRICS = METRIC_NAMES  # every span metric gets a paired test, adapted vs base


@dataclass(frozen=True)
class RunContext:
    """What the writer needs to know about a finished run besides the systems' outcomes."""

    spec: Any  # benchmark.runner.RunSpec (not imported: the runner imports this module)
    task: Task
    run_dir: Path
    data_dir: Path
    is_sample: bool
    data_hash: str
    evaluation: SplitData
    items: Sequence[EvalItem]
    model_id: str
    model_revision: str | None
    adapter_dir: Path | None
    wall_seconds: float
    kind: str = "run"
    base_model: Mapping[str, Any] | None = None  # benchmark.catalogue.ResolvedModel.manifest()


def write_run_folder(
    context: RunContext, outcomes: Mapping[str, SystemOutcome], *, oracle: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """Score every system, write all files of the run folder and return the results object."""
    gold = {aid: task_gold(context.task, context.evaluation.gold(aid)) for aid in context.evaluation.articles}
    texts = {aid: article.text for aid, article in context.evaluation.articles.items()}
    scope = _scope(context.task)
    spec = context.spec
    summaries = {
        system: summarize_system(
            _complete_predictions(outcome.predictions, gold),
            gold,
            texts,
            techniques=scope,
            technique_agnostic=context.task.kind == "span-identification",
            iterations=spec.iterations,
            seed=spec.seed,
        )
        for system, outcome in outcomes.items()
    }
    manifest = _manifest(context)
    manifest_hash = stable_hash(manifest["identity"])
    results = {
        "schema_version": 1,
        "run_id": context.run_dir.name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "kind": context.kind,
        "task": context.task.name,
        "split": spec.split,
        "prompt_variant": spec.variant,
        "data": {
            "dir": str(Path(context.data_dir).resolve()),
            "hash": context.data_hash,
            "is_sample": context.is_sample,
            "n_articles": len(context.evaluation.articles),
            "n_windows": len({(i.window.article_id, i.window.index) for i in context.items}),
        },
        "model": {
            "base": context.model_id,
            "revision": context.model_revision,
            "quantization": spec.quantization,
            "approach": getattr(spec, "approach", "generate"),
        },
        "adapter": _adapter_info(context),
        "manifest_hash": manifest_hash,
        "systems": {
            system: _system_json(outcomes[system], summary, spec.iterations, spec.seed, context.task)
            for system, summary in summaries.items()
        },
        "comparisons": _comparisons(context, outcomes, gold, texts, scope),
        "oracle": dict(oracle) if oracle is not None else None,
        "adapter_changes_outputs": _adapter_changes_outputs(outcomes),
    }
    _write_json(context.run_dir / "manifest.json", manifest)
    _write_json(context.run_dir / "results.json", results)
    _write_samples(context.run_dir / "samples.jsonl", outcomes)
    _write_predictions(context.run_dir / "predictions", outcomes)
    return results


def _scope(task: Task) -> tuple[str, ...]:
    """The techniques a task is scored on (empty for technique-agnostic SI)."""
    if task.kind == "span-identification":
        return ()
    return task.gold_labels if task.gold_labels is not None else task.labels


def _complete_predictions(
    predictions: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]
) -> dict[str, Sequence[Span]]:
    """Predictions for every gold article (an article with no prediction has an empty list)."""
    return {article_id: predictions.get(article_id, ()) for article_id in gold}


def _system_json(
    outcome: SystemOutcome, summary: SystemSummary, iterations: int, seed: int, task: Task
) -> dict[str, Any]:
    metrics = {
        name: {"value": m.value, "ci": list(m.ci) if m.ci else None} for name, m in summary.metrics.items()
    }
    validity, hallucination = _ratio_tables(outcome)
    metrics["json_validity"] = _ratio_metric(validity, iterations, seed)
    metrics["hallucination_rate"] = _ratio_metric(hallucination, iterations, seed)
    if task.kind == "technique-classification":
        metrics["tc_accuracy"] = _tc_accuracy(outcome, iterations, seed)
    present = [t.flc_f1 for t in summary.per_technique.values() if t.n_gold or t.n_pred]
    if len(summary.per_technique) > 1 and present:  # macro over techniques with gold or predictions
        metrics["flc_macro_f1"] = {"value": sum(present) / len(present), "ci": None}
    return {
        "metrics": metrics,
        "per_technique": {
            label: {
                "flc_precision": t.flc_precision,
                "flc_recall": t.flc_recall,
                "flc_f1": t.flc_f1,
                "n_pred": t.n_pred,
                "n_gold": t.n_gold,
            }
            for label, t in summary.per_technique.items()
        },
        "errors": outcome.error_counts(),
        "counts": {
            "n_samples": len(outcome.records),
            "n_articles": len({r.article_id for r in outcome.records}),
            "n_pred_spans": summary.n_pred_spans,
            "n_gold_spans": summary.n_gold_spans,
            "n_phrases": outcome.n_phrases,
            "n_unaligned": outcome.n_unaligned,
        },
    }


def _ratio_tables(outcome: SystemOutcome) -> tuple[CounterTable, CounterTable]:
    """Per-article (numerator, denominator) tables for JSON validity and hallucination rate.

    A ratio of sums is what `CounterTable`'s "precision" component computes (precision sum over
    predicted count), so the article bootstrap of the span metrics serves these two as well.
    """
    valid: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    unaligned: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for record in outcome.records:
        row = valid[record.article_id]
        row[0] += 1.0 if record.parse["ok"] and not record.parse["truncated"] else 0.0
        row[2] += 1.0
        row = unaligned[record.article_id]
        row[0] += len(record.unaligned)
        row[2] += len(record.parse["pairs"])
    return _table(valid), _table(unaligned)


def _tc_accuracy(outcome: SystemOutcome, iterations: int, seed: int) -> dict[str, Any]:
    """The official TC score (micro P = R = F1 = accuracy) with an article-bootstrap CI.

    Each record holds one gold span and at most one predicted label; an unparsed answer counts as a
    wrong label, so every gold span is scored, as the official scorer requires.
    """
    pred: dict[str, list[Span]] = defaultdict(list)
    gold: dict[str, list[Span]] = defaultdict(list)
    rows: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for record in outcome.records:
        (span,) = record.gold
        label = record.spans[0].technique if record.spans else NO_ANSWER
        pred[record.article_id].append(Span(span.start, span.end, label))
        gold[record.article_id].append(span)
    score = score_tc(pred, gold)
    for record in outcome.records:  # per-article (correct, -, gold spans, -) for the bootstrap
        correct = bool(record.spans) and record.spans[0].technique == record.gold[0].technique
        rows[record.article_id][0] += 1.0 if correct else 0.0
        rows[record.article_id][2] += 1.0
    metric = _ratio_metric(_table(rows), iterations, seed)
    metric["value"] = score.f1
    return metric


def _table(rows: Mapping[str, list[float]]) -> CounterTable:
    ids = tuple(sorted(rows))
    return CounterTable(ids, np.array([rows[i] for i in ids], dtype=np.float64).reshape(len(ids), 4))


def _ratio_metric(table: CounterTable, iterations: int, seed: int) -> dict[str, Any]:
    sums = table.counters.sum(axis=0)
    value = float(sums[0] / sums[2]) if sums[2] > 0 else 0.0
    ci = None
    if iterations > 0 and table.article_ids:
        ci = list(bootstrap_ci(table, "precision", iterations=iterations, seed=seed))
    return {"value": value, "ci": ci}


def _comparisons(
    context: RunContext,
    outcomes: Mapping[str, SystemOutcome],
    gold: Mapping[str, Sequence[Span]],
    texts: Mapping[str, str],
    scope: tuple[str, ...],
) -> list[dict[str, Any]]:
    if not {"base", "adapted"} <= set(outcomes) or context.spec.iterations <= 0:
        return []
    comparisons = compare_systems(
        _complete_predictions(outcomes["base"].predictions, gold),
        _complete_predictions(outcomes["adapted"].predictions, gold),
        gold,
        texts,
        metrics=COMPARED_METRICS,
        techniques=scope or None,
        technique_agnostic=context.task.kind == "span-identification",
        iterations=context.spec.iterations,
        seed=context.spec.seed,
    )
    return [
        {
            "metric": c.metric,
            "system_a": "base",
            "system_b": "adapted",
            "difference": c.difference,
            "ci": list(c.ci),
            "p_value": c.p_value,
            "method": c.method,
            "iterations": c.iterations,
        }
        for c in comparisons
    ]


def _adapter_changes_outputs(outcomes: Mapping[str, SystemOutcome]) -> bool | None:
    """Whether the adapted completions differ from the base ones (an ignored adapter would not)."""
    if not {"base", "adapted"} <= set(outcomes):
        return None
    base = [r.completion for r in outcomes["base"].records]
    adapted = [r.completion for r in outcomes["adapted"].records]
    return base != adapted


def _adapter_info(context: RunContext) -> dict[str, Any] | None:
    if context.adapter_dir is None:
        return None
    from benchmark.models import adapter_hash

    manifest_path = context.adapter_dir.parent / "manifest.json"
    task = context.task.name
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        task = str(manifest.get("task", task))
    return {
        "path": relative_to_run(context.adapter_dir, context.run_dir),
        "hash": adapter_hash(context.adapter_dir),
        "task": task,
    }


def relative_to_run(path: Path, run_dir: Path) -> str:
    """`path` as stored in a run folder: relative to the run folder, so it resolves from any cwd."""
    return Path(os.path.relpath(Path(path).resolve(), Path(run_dir).resolve())).as_posix()


def _manifest(context: RunContext) -> dict[str, Any]:
    """What was run, on what, with which versions: enough to reproduce the numbers."""
    from benchmark.train import package_versions

    identity = dict(context.spec.identity())
    identity["data_hash"] = context.data_hash
    identity["adapter_hash"] = (_adapter_info(context) or {}).get("hash")
    return {
        "identity": identity,
        "base_model": dict(context.base_model) if context.base_model else None,
        "data_dir": str(Path(context.data_dir).resolve()),
        "data_option": None if context.is_sample else str(Path(context.data_dir).resolve()),
        "wall_seconds": round(context.wall_seconds, 2),
        "n_prompts": len(context.items),
        "versions": package_versions(),
        "host": platform.node(),
        "world_size": int(os.environ.get("WORLD_SIZE", "1")),
    }


def _write_samples(path: Path, outcomes: Mapping[str, SystemOutcome]) -> None:
    with _atomic(path) as handle:
        for outcome in outcomes.values():
            for record in outcome.records:
                handle.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")


def _write_predictions(folder: Path, outcomes: Mapping[str, SystemOutcome]) -> None:
    """Official TAB formats: `<system>-flc.txt` (id technique start end), `<system>-si.txt`."""
    folder.mkdir(parents=True, exist_ok=True)
    for system, outcome in outcomes.items():
        rows = sorted((aid, span) for aid, spans in outcome.predictions.items() for span in spans)
        with _atomic(folder / f"{system}-flc.txt") as handle:
            for aid, span in rows:
                if span.technique is not None:
                    handle.write(f"{aid}\t{span.technique}\t{span.start}\t{span.end}\n")
        with _atomic(folder / f"{system}-si.txt") as handle:
            for aid, start, end in sorted({(aid, s.start, s.end) for aid, s in rows}):
                handle.write(f"{aid}\t{start}\t{end}\n")


def _write_json(path: Path, value: Any) -> None:
    with _atomic(path) as handle:
        handle.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


class _atomic:
    """Write to `<path>.tmp` and rename on success, so a killed run never leaves half a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")

    def __enter__(self) -> Any:
        self.handle = self.tmp.open("w", encoding="utf-8")
        return self.handle

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.handle.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
