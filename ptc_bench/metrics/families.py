"""The span families of one system: official SI and FLC, exact match and token level, each scored once."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ptc_bench.core.types import Span
from ptc_bench.metrics.counts import SpanScore
from ptc_bench.metrics.exact import score_exact
from ptc_bench.metrics.registry import SPAN_FAMILIES, SpanFamily
from ptc_bench.metrics.semeval import score_flc, score_si
from ptc_bench.metrics.tokens import score_tokens

Family = SpanFamily
FAMILIES = SPAN_FAMILIES


def score_families(
    pred: Mapping[str, Sequence[Span]],
    gold: Mapping[str, Sequence[Span]],
    texts: Mapping[str, str],
    *,
    techniques: Sequence[str],
    technique_agnostic: bool,
    families: Collection[Family] = FAMILIES,
) -> dict[Family, SpanScore]:
    """The SI, FLC, exact and token scores (with per-article counters) of one system."""
    if not technique_agnostic:
        pred = restricted(pred, techniques)
        gold = restricted(gold, techniques)
    scores: dict[Family, SpanScore] = {}
    if "si" in families or ("flc" in families and technique_agnostic):
        scores["si"] = score_si(pred, gold)
    if "flc" in families:
        scores["flc"] = scores["si"] if technique_agnostic else score_flc(pred, gold, techniques)
    if "exact" in families:
        scores["exact"] = score_exact(
            pred, gold, techniques=techniques, technique_agnostic=technique_agnostic
        )
    if "token" in families:
        scores["token"] = score_tokens(
            pred, gold, texts, techniques=techniques, technique_agnostic=technique_agnostic
        )
    return {family: scores[family] for family in FAMILIES if family in families}


def restricted(spans: Mapping[str, Sequence[Span]], techniques: Sequence[str]) -> dict[str, list[Span]]:
    """The spans whose technique is one of `techniques`, every article kept."""
    allowed = set(techniques)
    return {a: [s for s in article_spans if s.technique in allowed] for a, article_spans in spans.items()}
