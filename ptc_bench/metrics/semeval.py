"""The official SemEval-2020 Task 11 scores: SI, FLC (overall and per technique) and TC.

Definitions in the README ("Metrics"). `pred` and `gold` map article ids
to spans; the gold articles define the article set (articles without predictions still count),
and predictions for an article outside it are an error, as in the official scorer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span
from ptc_bench.metrics.counts import ArticleCounts, ScoreByTechnique, SpanScore
from ptc_bench.metrics.spans import Interval, check_pred_articles, merge_intervals, overlap_sums

FlcScore = ScoreByTechnique

__all__ = ["FlcScore", "SpanScore", "TcScore", "TcTechniqueScore", "score_flc", "score_si", "score_tc"]


def score_si(pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]) -> SpanScore:
    """Technique-agnostic partial-overlap P/R/F1, overlapping spans merged on both sides."""
    check_pred_articles(pred, gold)
    per_article = [
        _article_counts(article_id, _intervals(pred.get(article_id, ())), _intervals(gold[article_id]))
        for article_id in sorted(gold)
    ]
    return SpanScore.from_counts(per_article)


def score_flc(
    pred: Mapping[str, Sequence[Span]],
    gold: Mapping[str, Sequence[Span]],
    techniques: Collection[str] = LABELS,
) -> FlcScore:
    """Technique-aware partial-overlap scores, merged per technique; spans of other techniques ignored."""
    check_pred_articles(pred, gold)
    article_ids = sorted(gold)
    pred_groups = {a: _group_by_technique(pred.get(a, ()), techniques) for a in article_ids}
    gold_groups = {a: _group_by_technique(gold[a], techniques) for a in article_ids}
    per_technique: dict[str, SpanScore] = {}
    for technique in techniques:
        per_article = [
            _article_counts(
                article_id,
                merge_intervals(pred_groups[article_id].get(technique, ())),
                merge_intervals(gold_groups[article_id].get(technique, ())),
            )
            for article_id in article_ids
        ]
        per_technique[technique] = SpanScore.from_counts(per_article)
    return FlcScore.from_techniques(per_technique, article_ids)


@dataclass(frozen=True)
class TcTechniqueScore:
    """One technique's TC scores (scikit-learn semantics) with its gold and predicted counts."""

    precision: float
    recall: float
    f1: float
    n_gold: int
    n_pred: int


@dataclass(frozen=True)
class TcScore:
    """TC micro P = R = F1 = accuracy, the counts behind it and per-technique scores over the labels."""

    precision: float
    recall: float
    f1: float
    n_correct: int
    n_gold: int
    n_pred: int
    per_technique: Mapping[str, TcTechniqueScore] = field(default_factory=dict)


def score_tc(
    pred: Mapping[str, Sequence[Span]],
    gold: Mapping[str, Sequence[Span]],
    labels: Sequence[str] = LABELS,
) -> TcScore:
    """Technique classification of the gold spans; labels of identical spans matched for agreement."""
    from sklearn.metrics import precision_recall_fscore_support

    check_pred_articles(pred, gold)
    y_true: list[str] = []
    y_pred: list[str] = []
    for article_id in sorted(gold):
        gold_labels = _labels_by_span(gold[article_id], article_id, "gold")
        pred_labels = _labels_by_span(pred.get(article_id, ()), article_id, "predicted")
        _check_same_spans(article_id, gold_labels, pred_labels)
        for interval in sorted(gold_labels):
            true_labels, predicted = _matched_labels(gold_labels[interval], pred_labels[interval])
            y_true.extend(true_labels)
            y_pred.extend(predicted)
    n_correct = sum(t == p for t, p in zip(y_true, y_pred, strict=True))
    accuracy = n_correct / len(y_true) if y_true else 0.0
    per_technique: dict[str, TcTechniqueScore] = {}
    if y_true:
        precision, recall, f1, support = precision_recall_fscore_support(
            y_true, y_pred, labels=list(labels), zero_division=0
        )
        predicted_counts = Counter(y_pred)
        for index, label in enumerate(labels):
            per_technique[label] = TcTechniqueScore(
                float(precision[index]),
                float(recall[index]),
                float(f1[index]),
                int(support[index]),
                predicted_counts[label],
            )
    return TcScore(accuracy, accuracy, accuracy, n_correct, len(y_true), len(y_pred), per_technique)


def _intervals(spans: Iterable[Span]) -> list[Interval]:
    """Merged intervals of spans, technique ignored."""
    return merge_intervals((span.start, span.end) for span in spans)


def _group_by_technique(spans: Iterable[Span], techniques: Collection[str]) -> dict[str, list[Interval]]:
    """Unmerged intervals of the spans whose technique is one of `techniques`, by technique."""
    grouped: dict[str, list[Interval]] = {}
    for span in spans:
        if span.technique is not None and span.technique in techniques:
            grouped.setdefault(span.technique, []).append((span.start, span.end))
    return grouped


def _article_counts(article_id: str, pred: list[Interval], gold: list[Interval]) -> ArticleCounts:
    """The counters of one article from merged predicted and gold intervals."""
    precision_sum, recall_sum = overlap_sums(pred, gold)
    return ArticleCounts(article_id, precision_sum, recall_sum, len(pred), len(gold))


def _labels_by_span(spans: Iterable[Span], article_id: str, side: str) -> dict[Interval, Counter[str]]:
    """The multiset of technique labels given to each distinct interval of an article."""
    labels: dict[Interval, Counter[str]] = {}
    for span in spans:
        if span.technique is None:
            raise ValueError(
                f"article {article_id!r}: {side} span [{span.start}, {span.end}) has no technique"
            )
        labels.setdefault((span.start, span.end), Counter())[span.technique] += 1
    return labels


def _check_same_spans(
    article_id: str, gold: Mapping[Interval, Counter[str]], pred: Mapping[Interval, Counter[str]]
) -> None:
    """ValueError unless the prediction gives exactly one label per gold span instance."""
    for interval in sorted(set(gold) | set(pred)):
        n_gold = gold[interval].total() if interval in gold else 0
        n_pred = pred[interval].total() if interval in pred else 0
        if n_gold != n_pred:
            raise ValueError(
                f"article {article_id!r}: span [{interval[0]}, {interval[1]}) has {n_gold} gold "
                f"instance(s) but {n_pred} predicted label(s); TC needs one label per gold span"
            )


def _matched_labels(gold: Counter[str], pred: Counter[str]) -> tuple[list[str], list[str]]:
    """(true, predicted) label lists for one span: agreeing labels paired first, the rest in order."""
    common = gold & pred
    agreed = sorted(common.elements())
    rest_true = sorted((gold - common).elements())
    rest_pred = sorted((pred - common).elements())
    return agreed + rest_true, agreed + rest_pred
