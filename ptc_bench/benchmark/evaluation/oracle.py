"""Oracle round trip: gold spans -> phrases -> answer JSON -> parser -> aligner -> score.

It is the ceiling of the phrase-output design: a model that wrote exactly the gold phrases would
score this, not 1.0, because a phrase cannot say which of its occurrences it meant.
"""

from __future__ import annotations

from dataclasses import dataclass

from ptc_bench.benchmark.evaluation.evaluate import SystemOutcome, build_eval_items, evaluate_completions
from ptc_bench.core.types import SplitData
from ptc_bench.metrics.align import AlignPolicy
from ptc_bench.metrics.summary import SystemSummary, summarize_system
from ptc_bench.tasks import Task


@dataclass(frozen=True)
class OracleResult:
    """The oracle's outcome on one split for one task and alignment policy."""

    task: str
    policy: AlignPolicy
    outcome: SystemOutcome
    summary: SystemSummary


def oracle_outcome(
    task: Task, split: SplitData, *, window_chars: int, policy: AlignPolicy = "all"
) -> SystemOutcome:
    """The gold targets of every window, parsed and aligned as if a model had written them."""
    items = build_eval_items(task, split, window_chars=window_chars)
    targets = [item.target or "" for item in items]
    return evaluate_completions(task, items, targets, system="oracle", policy=policy)


def oracle_round_trip(
    task: Task, split: SplitData, *, window_chars: int, policy: AlignPolicy = "all"
) -> OracleResult:
    """Score the gold targets of every window as if a model had written them (`bench oracle`)."""
    outcome = oracle_outcome(task, split, window_chars=window_chars, policy=policy)
    gold = {article_id: task.gold(split.gold(article_id)) for article_id in split.articles}
    texts = {article_id: article.text for article_id, article in split.articles.items()}
    summary = summarize_system(
        outcome.predictions,
        gold,
        texts,
        techniques=task.scope,
        technique_agnostic=task.technique_agnostic,
        iterations=0,
    )
    return OracleResult(task.name, policy, outcome, summary)
