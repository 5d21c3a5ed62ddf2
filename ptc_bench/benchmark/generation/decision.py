"""The answer decision on the first answer token: answer (`{"`) or say "none here" (`{}`).

An answer of the span tasks opens with `{"` (a phrase follows) or is `{}` (nothing found); the first
token decides which. `decision_scores` gives, per prompt, s = log P(`{"`) - log P(`{}`) from the
model's next-token distribution after the prompt (the ids generation feeds it). A gate answers only
when s >= t: `gated_predictions` applies a threshold to answers written with the first token forced
to `{"`, and `choose_threshold` / `cross_fitted` pick t on validation (docs/recipe-study.md, round 3).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ptc_bench.core.errors import UserError
from ptc_bench.core.types import Span

ANSWER_OPEN = '{"'  # an answer that names a phrase starts so
ABSTAIN = "{}"  # "none here"


@dataclass(frozen=True)
class Decision:
    """One prompt's first-token decision."""

    score: float  # log P(answer) - log P(abstain)
    p_answer: float
    p_abstain: float


def decision_token_ids(tokenizer: Any) -> tuple[int, int]:
    """The ids of the first token of `{"` and of `{}`; one line when they are not told apart there."""
    answer = tokenizer(ANSWER_OPEN, add_special_tokens=False)["input_ids"]
    abstain = tokenizer(ABSTAIN, add_special_tokens=False)["input_ids"]
    if not answer or not abstain or answer[0] == abstain[0]:
        raise UserError(
            "this tokenizer does not tell '{\"' from '{}' on the first answer token: no first-token decision"
        )
    return int(answer[0]), int(abstain[0])


def decision_scores(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[str],
    *,
    precision: str,
    batch_size: int = 8,
    token_ids: tuple[int, int] | None = None,
) -> list[Decision]:
    """Each prompt's decision, from one forward pass over left-padded batches.

    `token_ids` (answer, abstain) default to the first tokens of `{"` and `{}`.
    """
    import torch

    from ptc_bench.benchmark.generation.engines.hf import left_padding, wants_special_tokens
    from ptc_bench.benchmark.models.precision import cpu_autocast

    answer_id, abstain_id = token_ids or decision_token_ids(tokenizer)
    device = getattr(model, "device", None) or torch.device("cpu")
    found: list[Decision] = []
    with left_padding(tokenizer):
        add_special = bool(prompts) and wants_special_tokens(tokenizer, prompts[0])
        for start in range(0, len(prompts), batch_size):
            batch = list(prompts[start : start + batch_size])
            encoded = tokenizer(batch, return_tensors="pt", padding=True, add_special_tokens=add_special)
            with torch.inference_mode(), cpu_autocast(precision, device.type):
                logits = model(
                    input_ids=encoded["input_ids"].to(device),
                    attention_mask=encoded["attention_mask"].to(device),
                ).logits[:, -1, :]
            log_probs = torch.log_softmax(logits.float(), dim=-1)
            for row in log_probs:
                answer, abstain = float(row[answer_id]), float(row[abstain_id])
                found.append(Decision(answer - abstain, math.exp(answer), math.exp(abstain)))
    return found


def gated_predictions(
    scores: Sequence[float], spans: Sequence[Sequence[Span]], article_ids: Sequence[str], threshold: float
) -> dict[str, list[Span]]:
    """Predicted spans by article: a window's spans when its score reaches the threshold, else none."""
    predictions: dict[str, list[Span]] = {}
    for score, window_spans, article_id in zip(scores, spans, article_ids, strict=True):
        kept = predictions.setdefault(article_id, [])
        if score >= threshold:
            kept.extend(window_spans)
    return predictions


def si_f1_at(
    threshold: float,
    scores: Sequence[float],
    spans: Sequence[Sequence[Span]],
    article_ids: Sequence[str],
    gold: Mapping[str, Sequence[Span]],
) -> float:
    """The official SI F1 over the articles of `gold` of the answers gated at `threshold`."""
    from ptc_bench.metrics.semeval import score_si

    chosen = [i for i, article in enumerate(article_ids) if article in gold]
    predictions = gated_predictions(
        [scores[i] for i in chosen], [spans[i] for i in chosen], [article_ids[i] for i in chosen], threshold
    )
    return score_si(predictions, gold).f1


def candidate_thresholds(scores: Sequence[float]) -> list[float]:
    """Every distinct score (answer from it up), and one above the largest (answer nothing)."""
    distinct = sorted(set(scores))
    return [*distinct, (distinct[-1] + 1.0) if distinct else 0.0]


def choose_threshold(
    scores: Sequence[float],
    spans: Sequence[Sequence[Span]],
    article_ids: Sequence[str],
    gold: Mapping[str, Sequence[Span]],
) -> tuple[float, float]:
    """(threshold, SI F1) maximising SI F1 on the articles of `gold`; ties go to the higher threshold."""
    best = (-math.inf, -1.0)
    for threshold in candidate_thresholds([scores[i] for i, a in enumerate(article_ids) if a in gold]):
        f1 = si_f1_at(threshold, scores, spans, article_ids, gold)
        if f1 >= best[1]:
            best = (threshold, f1)
    return best


def cross_fitted(
    scores: Sequence[float],
    spans: Sequence[Sequence[Span]],
    article_ids: Sequence[str],
    gold: Mapping[str, Sequence[Span]],
) -> tuple[float, tuple[float, float]]:
    """SI F1 of both halves' answers, each half gated at the threshold chosen on the other half.

    The halves are the sorted article ids taken alternately. Returns (F1, (threshold of half 0,
    threshold of half 1)), where a half's threshold is the one it was gated with.
    """
    from ptc_bench.metrics.semeval import score_si

    ordered = sorted(gold)
    halves = [{a: gold[a] for a in ordered[0::2]}, {a: gold[a] for a in ordered[1::2]}]
    chosen = [choose_threshold(scores, spans, article_ids, half)[0] for half in halves]
    applied = (chosen[1], chosen[0])  # half 0 gated with half 1's threshold, and the other way
    predictions: dict[str, list[Span]] = {}
    for half, threshold in zip(halves, applied, strict=True):
        members = [i for i, a in enumerate(article_ids) if a in half]
        predictions.update(
            gated_predictions(
                [scores[i] for i in members],
                [spans[i] for i in members],
                [article_ids[i] for i in members],
                threshold,
            )
        )
    return score_si(predictions, gold).f1, applied
