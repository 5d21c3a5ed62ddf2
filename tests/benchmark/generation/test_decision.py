"""The first-token decision: scores against an unpadded forward pass, gates and thresholds by hand."""

from __future__ import annotations

import math

import pytest

from ptc_bench.benchmark.generation.decision import (
    choose_threshold,
    cross_fitted,
    decision_scores,
    decision_token_ids,
    si_f1_at,
)
from ptc_bench.core.errors import UserError
from ptc_bench.core.types import Span
from tests.benchmark.tiny_helpers import tiny_model_path

# Four articles, one window each. A and B hold gold [0, 10); C and D hold none.
GOLD = {"A": (Span(0, 10),), "B": (Span(0, 10),), "C": (), "D": ()}
ARTICLES = ["A", "B", "C", "D"]
SCORES = [2.0, -1.0, 0.5, -2.0]
SPANS = [(Span(0, 10),), (Span(0, 5),), (Span(0, 4),), (Span(0, 8),)]


def test_gated_si_f1_by_hand() -> None:
    # always: P = (1 + 1 + 0 + 0) / 4, R = (1 + 0.5) / 2 -> F1 = 2 * 0.5 * 0.75 / 1.25
    assert si_f1_at(-math.inf, SCORES, SPANS, ARTICLES, GOLD) == pytest.approx(0.6)
    # t = 0: A and C answer: P = 1/2, R = 1/2
    assert si_f1_at(0.0, SCORES, SPANS, ARTICLES, GOLD) == pytest.approx(0.5)
    # t = -1: A, B, C: P = 2/3, R = 3/4 -> 12/17
    assert si_f1_at(-1.0, SCORES, SPANS, ARTICLES, GOLD) == pytest.approx(12 / 17)
    # nothing answered: F1 0
    assert si_f1_at(3.0, SCORES, SPANS, ARTICLES, GOLD) == 0.0


def test_the_best_threshold_and_the_cross_fitted_score_by_hand() -> None:
    assert choose_threshold(SCORES, SPANS, ARTICLES, GOLD) == (-1.0, pytest.approx(12 / 17))
    # halves {A, C} and {B, D}: {A, C} picks 2.0 (A alone, F1 1), {B, D} picks -1.0 (B alone, 2/3);
    # A and C gated at -1.0 answer both, B and D gated at 2.0 answer neither:
    # P = (1 + 0) / 2, R = (1 + 0) / 2 -> 0.5
    f1, applied = cross_fitted(SCORES, SPANS, ARTICLES, GOLD)
    assert f1 == pytest.approx(0.5)
    assert applied == (-1.0, 2.0)


def test_a_tokenizer_that_opens_both_answers_alike_is_one_line() -> None:
    tiny_path = tiny_model_path()
    from transformers import AutoTokenizer

    with pytest.raises(UserError, match="does not tell"):
        decision_token_ids(AutoTokenizer.from_pretrained(str(tiny_path)))


def test_batched_left_padded_scores_equal_one_prompt_at_a_time() -> None:
    tiny_path = tiny_model_path()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_path))
    model = AutoModelForCausalLM.from_pretrained(str(tiny_path)).eval()
    prompts = ["Name the phrases.", "A much longer prompt that needs no padding at all, here.", "Short"]
    ids = (94, 5)
    found = decision_scores(model, tokenizer, prompts, precision="fp32", batch_size=3, token_ids=ids)
    for prompt, decision in zip(prompts, found, strict=True):
        encoded = tokenizer(prompt, return_tensors="pt")
        with torch.inference_mode():
            row = torch.log_softmax(model(**encoded).logits[0, -1].float(), dim=-1)
        assert decision.score == pytest.approx(float(row[ids[0]] - row[ids[1]]), abs=1e-4)
        assert decision.p_answer == pytest.approx(math.exp(float(row[ids[0]])), rel=1e-4)
