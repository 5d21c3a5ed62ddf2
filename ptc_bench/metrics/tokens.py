"""Token-level BIO P/R/F1 per technique with seqeval's chunk semantics.

The article text is split into whitespace-separated tokens (with character offsets). Spans overlap
across techniques, so each technique gets its own tag sequence: a token overlapping a (merged) span
of that technique is tagged B-/I-. seqeval's `get_entities` turns tags into chunks; a predicted
chunk is correct when a gold chunk has the same type and token boundaries (seqeval's default mode).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence

from ptc_bench.core.answer_format import SI_VALUE
from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span
from ptc_bench.metrics.counts import ArticleCounts, ScoreByTechnique, SpanScore
from ptc_bench.metrics.spans import Interval, check_pred_articles, merge_intervals

AGNOSTIC_TYPE = SI_VALUE
_TOKEN = re.compile(r"\S+")


def whitespace_tokens(text: str) -> list[Interval]:
    """Character intervals of the whitespace-separated tokens of `text`."""
    return [match.span() for match in _TOKEN.finditer(text)]


def bio_tags(tokens: Sequence[Interval], intervals: Iterable[Interval], entity_type: str) -> list[str]:
    """One BIO tag per token: B-/I-`entity_type` for tokens overlapping a merged interval, else O."""
    tags = ["O"] * len(tokens)
    token_ends = [end for _, end in tokens]
    for start, end in merge_intervals(intervals):
        first = True
        index = bisect_right(token_ends, start)
        while index < len(tokens) and tokens[index][0] < end:
            if tags[index] == "O":
                tags[index] = ("B-" if first else "I-") + entity_type
                first = False
            index += 1
    return tags


def score_tokens(
    pred: Mapping[str, Sequence[Span]],
    gold: Mapping[str, Sequence[Span]],
    texts: Mapping[str, str],
    *,
    techniques: Collection[str] = LABELS,
    technique_agnostic: bool = False,
) -> ScoreByTechnique:
    """Micro token-level (chunk) P/R/F1 over `techniques`, per technique, and per-article counters."""
    check_pred_articles(pred, gold)
    article_ids = sorted(gold)
    missing = [a for a in article_ids if a not in texts]
    if missing:
        raise ValueError(f"no text for article {missing[0]!r} (token-level scoring needs every text)")
    tokens = {a: whitespace_tokens(texts[a]) for a in article_ids}
    if technique_agnostic:
        return ScoreByTechnique.from_counts(
            [
                _chunk_counts(
                    a, tokens[a], _spans(pred.get(a, ()), None), _spans(gold[a], None), AGNOSTIC_TYPE
                )
                for a in article_ids
            ]
        )
    per_technique: dict[str, SpanScore] = {}
    for technique in techniques:
        per_technique[technique] = SpanScore.from_counts(
            [
                _chunk_counts(
                    a, tokens[a], _spans(pred.get(a, ()), technique), _spans(gold[a], technique), technique
                )
                for a in article_ids
            ]
        )
    return ScoreByTechnique.from_techniques(per_technique, article_ids)


def _spans(spans: Sequence[Span], technique: str | None) -> list[Interval]:
    """Intervals of the spans of one technique, or of all spans when None."""
    return [(s.start, s.end) for s in spans if technique is None or s.technique == technique]


def _chunk_counts(
    article_id: str, tokens: Sequence[Interval], pred: list[Interval], gold: list[Interval], entity_type: str
) -> ArticleCounts:
    """Correct, predicted and gold chunk counts of one article and one technique."""
    if not pred and not gold:
        return ArticleCounts(article_id, 0.0, 0.0, 0, 0)
    from seqeval.metrics.sequence_labeling import get_entities

    # Only the tokens between the first and last span can be tagged: score that stretch alone.
    low = min(start for start, _ in pred + gold)
    high = max(end for _, end in pred + gold)
    first = bisect_right([end for _, end in tokens], low)
    last = first
    while last < len(tokens) and tokens[last][0] < high:
        last += 1
    window = tokens[first:last]
    gold_chunks = set(get_entities(bio_tags(window, gold, entity_type)))
    pred_chunks = set(get_entities(bio_tags(window, pred, entity_type)))
    matches = len(gold_chunks & pred_chunks)
    return ArticleCounts(article_id, float(matches), float(matches), len(pred_chunks), len(gold_chunks))
