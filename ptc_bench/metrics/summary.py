"""All span metrics of one system with bootstrap CIs, and paired comparisons of two systems.

The metric names are those of `results.json` (`si_precision` … `token_f1`), each computed as its
entry in `metrics.registry.SPAN_METRICS` says; the run scorer adds the registry's record metrics.
For a technique-agnostic task (SI) the FLC metrics are the SI ones. Otherwise gold and predicted
spans outside `techniques` are left out of every metric.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from ptc_bench.core.records import Comparison, MetricValue, TechniqueScore
from ptc_bench.core.types import Span
from ptc_bench.metrics.families import Family, restricted, score_families
from ptc_bench.metrics.registry import SPAN_METRIC_NAMES, SPAN_METRICS, is_vacuous
from ptc_bench.metrics.stats import Component, CounterTable, TestMethod, paired_test


@dataclass(frozen=True)
class SystemSummary:
    """Every span metric of one system, FLC per technique, and the span counts in scope."""

    metrics: Mapping[str, MetricValue]
    per_technique: Mapping[str, TechniqueScore] = field(default_factory=dict)
    n_pred_spans: int = 0
    n_gold_spans: int = 0


def summarize_system(
    pred: Mapping[str, Sequence[Span]],
    gold: Mapping[str, Sequence[Span]],
    texts: Mapping[str, str],
    *,
    techniques: Sequence[str],
    technique_agnostic: bool,
    iterations: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> SystemSummary:
    """Every metric of SPAN_METRIC_NAMES with an article-bootstrap CI (iterations=0: no CIs).

    A family with no gold and no predicted unit in scope is undefined (value None, no CI), where
    the official scorer says F1 1.0: nothing was there to find, so the score says nothing.
    Otherwise the values (and each bootstrap resample) follow the official rules exactly.
    """
    scores = score_families(pred, gold, texts, techniques=techniques, technique_agnostic=technique_agnostic)
    metrics = {
        name: computation.compute(scores, iterations=iterations, seed=seed, level=level)
        for name, computation in SPAN_METRICS
    }
    per_technique: dict[str, TechniqueScore] = {}
    for technique, flc in getattr(scores["flc"], "per_technique", {}).items():
        if is_vacuous(flc):
            per_technique[technique] = TechniqueScore(None, None, None, 0, 0)
        else:
            per_technique[technique] = TechniqueScore(
                flc.precision, flc.recall, flc.f1, flc.n_pred, flc.n_gold
            )
    if not technique_agnostic:
        pred, gold = restricted(pred, techniques), restricted(gold, techniques)
    return SystemSummary(
        metrics,
        per_technique,
        n_pred_spans=sum(len(spans) for spans in pred.values()),
        n_gold_spans=sum(len(spans) for spans in gold.values()),
    )


def compare_systems(
    pred_a: Mapping[str, Sequence[Span]],
    pred_b: Mapping[str, Sequence[Span]],
    gold: Mapping[str, Sequence[Span]],
    texts: Mapping[str, str],
    *,
    metrics: Sequence[str] = ("si_f1", "flc_f1", "exact_f1"),
    techniques: Sequence[str] | None = None,
    technique_agnostic: bool = False,
    iterations: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    method: TestMethod = "paired_bootstrap",
    systems: tuple[str, str] = ("a", "b"),
) -> list[Comparison]:
    """A paired test (b - a) on the same gold articles for each metric name in `metrics`.

    `systems` names the two systems (a, b) in the returned comparisons.
    """
    from ptc_bench.core.techniques import LABELS

    scope = tuple(techniques) if techniques is not None else LABELS
    requested = [_split_metric(name) for name in metrics]
    needed = {family for family, _ in requested}
    scores_a, scores_b = (
        score_families(
            pred, gold, texts, techniques=scope, technique_agnostic=technique_agnostic, families=needed
        )
        for pred in (pred_a, pred_b)
    )
    comparisons = []
    for name, (family, component) in zip(metrics, requested, strict=True):
        test = paired_test(
            CounterTable.from_counts(scores_a[family].per_article),
            CounterTable.from_counts(scores_b[family].per_article),
            component,
            iterations=iterations,
            level=level,
            seed=seed,
            method=method,
        )
        comparisons.append(
            Comparison(name, *systems, test.difference, test.ci, test.p_value, test.method, test.iterations)
        )
    return comparisons


def _split_metric(name: str) -> tuple[Family, Component]:
    """('flc', 'f1') for 'flc_f1'; ValueError naming the valid metric names otherwise."""
    if name not in SPAN_METRIC_NAMES:
        raise ValueError(f"unknown metric {name!r}; expected one of {', '.join(SPAN_METRIC_NAMES)}")
    family, component = name.split("_", 1)
    return cast(Family, family), cast(Component, component)
