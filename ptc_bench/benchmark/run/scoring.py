"""Scoring: a finished run's outcomes and its oracle become the run record, each score computed once.

`score_run` makes every number of a `bench run` record by looping over the metric registry
(`metrics/registry.py`, where each metric says how it is computed): the span metrics of every
system with bootstrap CIs (`summarize_system`), then the record metrics (JSON validity,
hallucination rate, TC accuracy, macro FLC); then the paired tests and the oracle ceiling. The run
folder module only writes what it returns. Other paths score with `metrics/` directly: `bench
score` (official-format files), `bench oracle` (`benchmark/evaluation/oracle.py`) and `bench approaches`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.evaluation.evaluate import EvalItem, SystemOutcome
from ptc_bench.benchmark.stage.spec import RunSpec
from ptc_bench.core.records import (
    SCHEMA_VERSION,
    AdapterInfo,
    Comparison,
    DataInfo,
    ModelInfo,
    RunResults,
    SystemCounts,
    SystemResults,
)
from ptc_bench.core.types import Span, SplitData
from ptc_bench.metrics.registry import RECORD_METRICS, SPAN_METRIC_NAMES, RecordInputs
from ptc_bench.metrics.summary import SystemSummary, compare_systems, summarize_system
from ptc_bench.tasks import Task

COLLAPSE_SHARE = 0.9  # a system answering {} on more of the windows that have gold has collapsed
COMPARED_METRICS = SPAN_METRIC_NAMES  # every span metric gets a paired test, adapted vs base


@dataclass(frozen=True)
class RunContext:
    """What scoring and the run folder need to know about a finished run besides the outcomes."""

    spec: RunSpec
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
    base_model: Mapping[str, Any] | None = None  # benchmark.models.catalogue.ResolvedModel.manifest()


def score_run(
    context: RunContext,
    outcomes: Mapping[str, SystemOutcome],
    *,
    oracle: SystemOutcome | None,
    manifest_hash: str,
    adapter: AdapterInfo | None,
) -> RunResults:
    """The run record: every system scored once, the paired tests, and the oracle's span metrics."""
    task, spec = context.task, context.spec
    gold = {aid: task.gold(context.evaluation.gold(aid)) for aid in context.evaluation.articles}
    texts = {aid: article.text for aid, article in context.evaluation.articles.items()}
    systems = {
        system: _system_results(
            outcome,
            _summary(task, outcome, gold, texts, spec.iterations, spec.seed),
            spec.iterations,
            spec.seed,
            task,
        )
        for system, outcome in outcomes.items()
    }
    oracle_metrics = None
    if oracle is not None:
        summary = _summary(task, oracle, gold, texts, iterations=0, seed=spec.seed)
        oracle_metrics = {name: metric.value for name, metric in summary.metrics.items()}
    return RunResults(
        schema_version=SCHEMA_VERSION,
        run_id=context.run_dir.name,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        kind=context.kind,
        task=task.name,
        split=spec.split,
        prompt_variant=spec.variant,
        data=DataInfo(
            dir=str(Path(context.data_dir).resolve()),
            hash=context.data_hash,
            is_sample=context.is_sample,
            n_articles=len(context.evaluation.articles),
            n_windows=len({(i.window.article_id, i.window.index) for i in context.items}),
        ),
        model=ModelInfo(
            context.model_id, context.model_revision, spec.quantization, spec.approach, spec.endpoint
        ),
        adapter=adapter,
        manifest_hash=manifest_hash,
        systems=systems,
        comparisons=_defined(_comparisons(context, outcomes, gold, texts, task.scope), systems),
        oracle=oracle_metrics,
        adapter_changes_outputs=_adapter_changes_outputs(outcomes),
        warnings=collapse_warnings(outcomes),
    )


def collapse_warnings(outcomes: Mapping[str, SystemOutcome]) -> tuple[str, ...]:
    """One line per system that answers `{}` on more than 90% of the windows that have gold.

    Its span scores are then ~0 because it says nothing, not because what it says is wrong: the
    training recipe (or the prompt) is what to look at (docs/recipe-study.md).
    """
    lines = []
    for system, outcome in outcomes.items():
        empty, with_gold = outcome.empty_on_gold()
        if with_gold and empty / with_gold > COLLAPSE_SHARE:
            lines.append(
                f"{system} collapsed to the empty answer: {{}} on {empty} of the {with_gold} windows "
                f"that have gold ({empty / with_gold:.0%})"
            )
    return tuple(lines)


def _summary(
    task: Task,
    outcome: SystemOutcome,
    gold: Mapping[str, Sequence[Span]],
    texts: Mapping[str, str],
    iterations: int,
    seed: int,
) -> SystemSummary:
    """The span metrics of one system on the task's scope, every gold article counted."""
    return summarize_system(
        _complete_predictions(outcome.predictions, gold),
        gold,
        texts,
        techniques=task.scope,
        technique_agnostic=task.technique_agnostic,
        iterations=iterations,
        seed=seed,
    )


def _complete_predictions(
    predictions: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]
) -> dict[str, Sequence[Span]]:
    """Predictions for every gold article (an article with no prediction has an empty list)."""
    return {article_id: predictions.get(article_id, ()) for article_id in gold}


def _system_results(
    outcome: SystemOutcome, summary: SystemSummary, iterations: int, seed: int, task: Task
) -> SystemResults:
    """One system's record: the span metrics, then every record metric of the registry, errors, counts."""
    metrics = dict(summary.metrics)
    inputs = RecordInputs(outcome.records, summary.per_technique, task.one_prompt_per_span)
    for name, computation in RECORD_METRICS:
        value = computation.compute(inputs, iterations=iterations, seed=seed)
        if value is not None:
            metrics[name] = value
    return SystemResults(
        metrics=metrics,
        per_technique=dict(summary.per_technique),
        errors=outcome.error_counts(),
        counts=SystemCounts(
            n_samples=len(outcome.records),
            n_articles=len({r.article_id for r in outcome.records}),
            n_pred_spans=summary.n_pred_spans,
            n_gold_spans=summary.n_gold_spans,
            n_phrases=outcome.n_phrases,
            n_unaligned=outcome.n_unaligned,
        ),
    )


def _defined(
    comparisons: Sequence[Comparison], systems: Mapping[str, SystemResults]
) -> tuple[Comparison, ...]:
    """The paired tests of metrics defined for both systems (an undefined score is not compared)."""
    return tuple(
        c
        for c in comparisons
        if all(systems[s].metrics[c.metric].value is not None for s in (c.system_a, c.system_b))
    )


def _comparisons(
    context: RunContext,
    outcomes: Mapping[str, SystemOutcome],
    gold: Mapping[str, Sequence[Span]],
    texts: Mapping[str, str],
    scope: tuple[str, ...],
) -> tuple[Comparison, ...]:
    """Paired tests, adapted vs base, of every span metric (none without both systems or CIs)."""
    if not {"base", "adapted"} <= set(outcomes) or context.spec.iterations <= 0:
        return ()
    comparisons = compare_systems(
        _complete_predictions(outcomes["base"].predictions, gold),
        _complete_predictions(outcomes["adapted"].predictions, gold),
        gold,
        texts,
        metrics=COMPARED_METRICS,
        techniques=scope or None,
        technique_agnostic=context.task.technique_agnostic,
        iterations=context.spec.iterations,
        seed=context.spec.seed,
        systems=("base", "adapted"),
    )
    return tuple(comparisons)


def _adapter_changes_outputs(outcomes: Mapping[str, SystemOutcome]) -> bool | None:
    """Whether the adapted completions differ from the base ones (an ignored adapter would not)."""
    if not {"base", "adapted"} <= set(outcomes):
        return None
    base = [r.completion for r in outcomes["base"].records]
    adapted = [r.completion for r in outcomes["adapted"].records]
    return base != adapted
