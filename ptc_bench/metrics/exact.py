"""Exact-match span P/R/F1: a predicted span counts only when a gold span has the same boundaries.

Stricter than the official partial-overlap scores. With techniques, start, end and technique must
all agree; technique-agnostic (SI style), start and end. Duplicate spans are counted once, and no
merging is done. The counters reuse `ArticleCounts` (precision sum = recall sum = matches).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span
from ptc_bench.metrics.counts import ArticleCounts, ScoreByTechnique, SpanScore
from ptc_bench.metrics.spans import check_pred_articles

SpanKey = tuple[int, int, str | None]


def score_exact(
    pred: Mapping[str, Sequence[Span]],
    gold: Mapping[str, Sequence[Span]],
    *,
    techniques: Collection[str] = LABELS,
    technique_agnostic: bool = False,
) -> ScoreByTechnique:
    """Exact-match scores overall and (unless technique-agnostic) per technique in `techniques`."""
    check_pred_articles(pred, gold)
    article_ids = sorted(gold)
    if technique_agnostic:
        return ScoreByTechnique.from_counts(
            [_exact_counts(a, _keys(pred.get(a, ()), None), _keys(gold[a], None)) for a in article_ids]
        )
    per_technique: dict[str, SpanScore] = {}
    for technique in techniques:
        per_technique[technique] = SpanScore.from_counts(
            [
                _exact_counts(a, _keys(pred.get(a, ()), technique), _keys(gold[a], technique))
                for a in article_ids
            ]
        )
    return ScoreByTechnique.from_techniques(per_technique, article_ids)


def _keys(spans: Sequence[Span], technique: str | None) -> set[SpanKey]:
    """Distinct (start, end) keys of the spans of one technique, or of all spans when None."""
    if technique is None:
        return {(span.start, span.end, None) for span in spans}
    return {(span.start, span.end, technique) for span in spans if span.technique == technique}


def _exact_counts(article_id: str, pred: set[SpanKey], gold: set[SpanKey]) -> ArticleCounts:
    """Matches, predicted and gold counts of one article."""
    matches = len(pred & gold)
    return ArticleCounts(article_id, float(matches), float(matches), len(pred), len(gold))
