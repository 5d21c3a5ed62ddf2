"""Every metric of results.json registered once: its name, family, direction, whether it is a
headline, and how it is computed and aggregated.

Two kinds of computation, after lighteval's corpus- and sample-level metrics:

- `SpanComponent` (corpus level): a span family's scorer (official SI and FLC, exact match, token
  level: `metrics.families`) runs over all articles once; the metric is one component (precision,
  recall or F1) of the summed counters, its CI the article bootstrap of those counters.
- record metrics (sample level): each sample record contributes to a per-article table, the corpus
  value is aggregated from it (`SampleRatio`: a ratio of sums), the CI is the same article
  bootstrap; `TechniqueClassification` and `TechniqueMacro` are the two that need more.

`metrics.summary.summarize_system` loops over `SPAN_METRICS`, the run scorer
(`benchmark/run/scoring.py`) over `RECORD_METRICS`; the console shows `RUN_SUMMARY`, and reports
order, rank and colour by `REGISTRY`. A new metric is one `Metric(...)` line here, with its
computation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from ptc_bench.core.records import MetricValue, SampleRecord, TechniqueScore
from ptc_bench.core.types import Span
from ptc_bench.metrics.counts import SpanScore
from ptc_bench.metrics.stats import COMPONENTS, Component, CounterTable, bootstrap_ci

SpanFamily = Literal["si", "flc", "exact", "token"]
SPAN_FAMILIES: tuple[SpanFamily, ...] = ("si", "flc", "exact", "token")
Family = Literal["si", "flc", "exact", "token", "output", "tc"]
NO_ANSWER = "<no answer>"  # the TC label of a completion that gave none (always wrong)


@dataclass(frozen=True)
class SpanComponent:
    """Corpus level: one component of a span family's summed counters, with the article bootstrap."""

    family: SpanFamily
    component: Component

    def compute(
        self, scores: Mapping[SpanFamily, SpanScore], *, iterations: int, seed: int, level: float
    ) -> MetricValue:
        """The value (None when nothing was there to score: no gold and no predicted unit) and CI."""
        score = scores[self.family]
        if is_vacuous(score):
            return MetricValue(None, None)
        ci = None
        if iterations > 0 and score.per_article:
            table = CounterTable.from_counts(score.per_article)
            ci = bootstrap_ci(table, self.component, iterations=iterations, level=level, seed=seed)
        return MetricValue(float(getattr(score, self.component)), ci)


@dataclass(frozen=True)
class RecordInputs:
    """What the record metrics of one system read: its sample records and its FLC per technique."""

    records: Sequence[SampleRecord]
    per_technique: Mapping[str, TechniqueScore] = field(default_factory=dict)
    one_prompt_per_span: bool = False  # a TC task: one prompt per gold span


class RecordComputation(Protocol):
    """Sample level: a metric aggregated from the sample records (None: not defined for this run)."""

    def compute(self, inputs: RecordInputs, *, iterations: int, seed: int) -> MetricValue | None: ...


@dataclass(frozen=True)
class SampleRatio:
    """Each sample gives (numerator, denominator); the value is the ratio of their sums (0 if none)."""

    numerator: Callable[[SampleRecord], float]
    denominator: Callable[[SampleRecord], float]

    def compute(self, inputs: RecordInputs, *, iterations: int, seed: int) -> MetricValue:
        rows: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
        for record in inputs.records:
            rows[record.article_id][0] += self.numerator(record)
            rows[record.article_id][2] += self.denominator(record)
        return ratio_metric(_table(rows), iterations, seed)


@dataclass(frozen=True)
class TechniqueClassification:
    """The official TC score (micro P = R = F1 = accuracy) of a TC task, with an article-bootstrap CI.

    Each record holds one gold span and at most one predicted label; an unparsed answer counts as a
    wrong label, so every gold span is scored, as the official scorer requires.
    """

    def compute(self, inputs: RecordInputs, *, iterations: int, seed: int) -> MetricValue | None:
        if not inputs.one_prompt_per_span:
            return None
        from ptc_bench.metrics.semeval import score_tc

        pred: dict[str, list[Span]] = defaultdict(list)
        gold: dict[str, list[Span]] = defaultdict(list)
        rows: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
        for record in inputs.records:
            (span,) = record.gold
            label = record.spans[0].technique if record.spans else NO_ANSWER
            pred[record.article_id].append(Span(span.start, span.end, label))
            gold[record.article_id].append(span)
        score = score_tc(pred, gold)
        for record in inputs.records:  # per-article (correct, -, gold spans, -) for the bootstrap
            correct = bool(record.spans) and record.spans[0].technique == record.gold[0].technique
            rows[record.article_id][0] += 1.0 if correct else 0.0
            rows[record.article_id][2] += 1.0
        return MetricValue(score.f1, ratio_metric(_table(rows), iterations, seed).ci)


@dataclass(frozen=True)
class TechniqueMacro:
    """The mean FLC F1 over the techniques with gold or predictions (tasks of several techniques)."""

    def compute(self, inputs: RecordInputs, *, iterations: int, seed: int) -> MetricValue | None:
        present = [t.flc_f1 for t in inputs.per_technique.values() if t.flc_f1 is not None]
        if len(inputs.per_technique) > 1 and present:
            return MetricValue(sum(present) / len(present), None)
        return None


@dataclass(frozen=True)
class Metric:
    """One metric: `family` groups it (span families, `output` for validity rates, `tc`)."""

    name: str
    family: Family
    computation: SpanComponent | RecordComputation
    higher_is_better: bool = True
    headline: bool = False


def is_vacuous(score: SpanScore) -> bool:
    """True when there is nothing to score: no gold and no predicted unit (official F1: 1.0)."""
    return score.n_pred == 0 and score.n_gold == 0


def ratio_metric(table: CounterTable, iterations: int, seed: int) -> MetricValue:
    """Column 0 summed over column 2 summed, with the article bootstrap of `precision` (the same ratio)."""
    sums = table.counters.sum(axis=0)
    value = float(sums[0] / sums[2]) if sums[2] > 0 else 0.0
    ci = None
    if iterations > 0 and table.article_ids:
        ci = bootstrap_ci(table, "precision", iterations=iterations, seed=seed)
    return MetricValue(value, ci)


def _table(rows: Mapping[str, list[float]]) -> CounterTable:
    ids = tuple(sorted(rows))
    return CounterTable(ids, np.array([rows[i] for i in ids], dtype=np.float64).reshape(len(ids), 4))


REGISTRY: tuple[Metric, ...] = (
    *(
        Metric(f"{family}_{component}", family, SpanComponent(family, component), headline=component == "f1")
        for family in SPAN_FAMILIES
        for component in COMPONENTS
    ),
    Metric(
        "json_validity",
        "output",
        SampleRatio(lambda r: 1.0 if r.parse.valid else 0.0, lambda r: 1.0),
        headline=True,
    ),
    Metric(
        "hallucination_rate",  # phrases not found in the text, over the phrases given
        "output",
        SampleRatio(lambda r: float(len(r.unaligned)), lambda r: float(len(r.parse.pairs))),
        higher_is_better=False,
        headline=True,
    ),
    Metric("tc_accuracy", "tc", TechniqueClassification()),
    Metric("flc_macro_f1", "flc", TechniqueMacro()),
)
_BY_NAME = {metric.name: metric for metric in REGISTRY}
if len(_BY_NAME) != len(REGISTRY):
    raise ValueError("a metric name is registered twice")

METRIC_NAMES: tuple[str, ...] = tuple(metric.name for metric in REGISTRY)
HEADLINE_METRICS: tuple[str, ...] = tuple(metric.name for metric in REGISTRY if metric.headline)
SPAN_METRICS: tuple[tuple[str, SpanComponent], ...] = tuple(
    (m.name, m.computation) for m in REGISTRY if isinstance(m.computation, SpanComponent)
)
RECORD_METRICS: tuple[tuple[str, RecordComputation], ...] = tuple(
    (m.name, m.computation) for m in REGISTRY if not isinstance(m.computation, SpanComponent)
)
SPAN_METRIC_NAMES: tuple[str, ...] = tuple(name for name, _ in SPAN_METRICS)
# The rows of the table `bench run` prints, in this order.
RUN_SUMMARY: tuple[str, ...] = (
    "si_precision",
    "si_recall",
    "si_f1",
    "exact_precision",
    "exact_recall",
    "exact_f1",
    "flc_f1",
    "json_validity",
    "hallucination_rate",
)
if not set(RUN_SUMMARY) <= set(METRIC_NAMES):
    raise ValueError("RUN_SUMMARY names an unregistered metric")


def higher_is_better(name: str) -> bool:
    """Whether a larger value is better (unregistered names: yes)."""
    metric = _BY_NAME.get(name)
    return metric.higher_is_better if metric is not None else True


def metric_order(names: Iterable[str]) -> list[str]:
    """Metric names in registry order, unregistered extra names last (alphabetically)."""
    names = set(names)
    return [m for m in METRIC_NAMES if m in names] + sorted(names - set(METRIC_NAMES))
