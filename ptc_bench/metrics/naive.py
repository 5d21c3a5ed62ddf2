"""An independent, deliberately naive implementation of the metric definitions (README, "Metrics").

Spans are sets of character positions; merging unions any two sets that share a position until
none do (so touching spans, which share none, stay apart); overlaps are set intersections. TC
counts agreements per identical span with multiset minima. Slow and obvious on purpose: the tests
check the library against it, and `bench perf` times the library against it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ptc_bench.core.types import Span


@dataclass(frozen=True)
class ReferenceScore:
    """Counters and P/R/F1 as the definitions state them."""

    precision_sum: float
    recall_sum: float
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.precision_sum / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.recall_sum / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        if self.n_pred == 0 and self.n_gold == 0:
            return 1.0
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p > 0 and r > 0 else 0.0


def position_sets(spans: Iterable[Span]) -> list[set[int]]:
    """Each span as the set of character positions it covers."""
    return [set(range(span.start, span.end)) for span in spans]


def merge_by_shared_positions(sets: list[set[int]]) -> list[set[int]]:
    """Union sets sharing at least one position, repeatedly, until all are pairwise disjoint."""
    groups = [set(s) for s in sets]
    merged_any = True
    while merged_any:
        merged_any = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if groups[i] & groups[j]:
                    groups[i] |= groups.pop(j)
                    merged_any = True
                    break
            if merged_any:
                break
    return groups


def _check_articles(pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]) -> None:
    for article_id, spans in pred.items():
        if spans and article_id not in gold:
            raise ValueError(f"article {article_id} is not a gold article")


def _article_sums(pred: list[set[int]], gold: list[set[int]]) -> tuple[float, float]:
    precision_sum = recall_sum = 0.0
    for s in pred:
        for t in gold:
            common = len(s & t)
            precision_sum += common / len(s)
            recall_sum += common / len(t)
    return precision_sum, recall_sum


def reference_si(pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]) -> ReferenceScore:
    """SI by the definition: merged position sets, pairwise overlap ratios."""
    return _reference(pred, gold, lambda spans: list(spans))


def reference_flc_technique(
    pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]], technique: str
) -> ReferenceScore:
    """FLC restricted to one technique."""
    return _reference(pred, gold, lambda spans: [s for s in spans if s.technique == technique])


def reference_flc(
    pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]], techniques: Sequence[str]
) -> tuple[ReferenceScore, dict[str, ReferenceScore]]:
    """FLC overall (sums over techniques) and per technique."""
    per_technique = {t: reference_flc_technique(pred, gold, t) for t in techniques}
    overall = ReferenceScore(
        sum(s.precision_sum for s in per_technique.values()),
        sum(s.recall_sum for s in per_technique.values()),
        sum(s.n_pred for s in per_technique.values()),
        sum(s.n_gold for s in per_technique.values()),
    )
    return overall, per_technique


def _reference(
    pred: Mapping[str, Sequence[Span]],
    gold: Mapping[str, Sequence[Span]],
    select: Callable[[Sequence[Span]], list[Span]],
) -> ReferenceScore:
    _check_articles(pred, gold)
    precision_sum = recall_sum = 0.0
    n_pred = n_gold = 0
    for article_id in gold:
        pred_sets = merge_by_shared_positions(position_sets(select(pred.get(article_id, []))))
        gold_sets = merge_by_shared_positions(position_sets(select(gold[article_id])))
        p, r = _article_sums(pred_sets, gold_sets)
        precision_sum += p
        recall_sum += r
        n_pred += len(pred_sets)
        n_gold += len(gold_sets)
    return ReferenceScore(precision_sum, recall_sum, n_pred, n_gold)


def reference_tc(
    pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]], labels: Sequence[str]
) -> tuple[float, dict[str, tuple[float, float, float]]]:
    """(accuracy, {label: (precision, recall, f1)}) with agreement maximised per identical span."""
    correct = total = 0
    agreed: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    true: Counter[str] = Counter()
    for article_id in gold:
        gold_by_span: dict[tuple[int, int], Counter[str]] = {}
        pred_by_span: dict[tuple[int, int], Counter[str]] = {}
        for span in gold[article_id]:
            gold_by_span.setdefault((span.start, span.end), Counter())[str(span.technique)] += 1
        for span in pred.get(article_id, []):
            pred_by_span.setdefault((span.start, span.end), Counter())[str(span.technique)] += 1
        assert {k: sum(v.values()) for k, v in gold_by_span.items()} == {
            k: sum(v.values()) for k, v in pred_by_span.items()
        }
        for key, gold_labels in gold_by_span.items():
            pred_labels = pred_by_span[key]
            for label in set(gold_labels) | set(pred_labels):
                both = min(gold_labels[label], pred_labels[label])
                agreed[label] += both
                correct += both
                predicted[label] += pred_labels[label]
                true[label] += gold_labels[label]
            total += sum(gold_labels.values())
    per_label = {}
    for label in labels:
        p = agreed[label] / predicted[label] if predicted[label] else 0.0
        r = agreed[label] / true[label] if true[label] else 0.0
        per_label[label] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return (correct / total if total else 0.0), per_label
