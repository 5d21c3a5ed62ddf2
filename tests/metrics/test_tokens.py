"""Token-level BIO scores: whitespace tokens, one tag sequence per technique, seqeval chunks."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span
from ptc_bench.metrics.prediction_io import load_gold
from ptc_bench.metrics.tokens import bio_tags, score_tokens, whitespace_tokens

LOADED = "Loaded_Language"
NAME = "Name_Calling,Labeling"
TEXT = "aa bb  cc\ndd ee"  # tokens: aa [0,2) bb [3,5) cc [7,9) dd [10,12) ee [13,15)


def test_whitespace_tokens_keep_character_offsets() -> None:
    assert whitespace_tokens(TEXT) == [(0, 2), (3, 5), (7, 9), (10, 12), (13, 15)]
    assert whitespace_tokens(" \n ") == []


def test_bio_tags_mark_every_token_a_span_touches() -> None:
    tokens = whitespace_tokens(TEXT)
    assert bio_tags(tokens, [(4, 8)], "X") == ["O", "B-X", "I-X", "O", "O"]  # partial tokens count
    assert bio_tags(tokens, [(3, 5), (7, 15)], "X") == ["O", "B-X", "B-X", "I-X", "I-X"]
    assert bio_tags(tokens, [(3, 8), (5, 12)], "X") == ["O", "B-X", "I-X", "I-X", "O"]  # merged
    assert bio_tags(tokens, [(5, 7)], "X") == ["O", "O", "O", "O", "O"]  # whitespace only
    # two spans inside one token: the token starts one chunk, the second span adds nothing
    assert bio_tags(tokens, [(0, 1), (1, 2)], "X") == ["B-X", "O", "O", "O", "O"]


def test_token_scores_per_technique_and_micro() -> None:
    gold = {"1": [Span(3, 9, LOADED), Span(0, 2, NAME)]}
    pred = {"1": [Span(3, 5, LOADED), Span(10, 15, LOADED), Span(0, 1, NAME)]}
    score = score_tokens(pred, gold, {"1": TEXT})
    loaded, name = score.per_technique[LOADED], score.per_technique[NAME]
    assert (loaded.precision_sum, loaded.n_pred, loaded.n_gold) == (0.0, 2, 1)  # "bb" != "bb cc"
    assert (name.precision_sum, name.n_pred, name.n_gold) == (1.0, 1, 1)  # "a" tags the token "aa"
    assert (score.precision_sum, score.n_pred, score.n_gold) == (1.0, 3, 2)
    assert (score.precision, score.recall, score.f1) == pytest.approx((1 / 3, 1 / 2, 0.4))


def test_technique_agnostic_tokens_ignore_labels() -> None:
    gold = {"1": [Span(3, 9, LOADED)]}
    pred = {"1": [Span(3, 9, NAME)]}
    score = score_tokens(pred, gold, {"1": TEXT}, technique_agnostic=True)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score_tokens(pred, gold, {"1": TEXT}).f1 == 0.0


def test_missing_text_is_an_error() -> None:
    with pytest.raises(ValueError, match="no text for article '1'"):
        score_tokens({}, {"1": []}, {})


def test_micro_scores_equal_seqeval_on_dev(ptc_dir: Path) -> None:
    from seqeval.metrics import f1_score, precision_score, recall_score

    gold_set = load_gold(ptc_dir / "dev-labels-task-flc-tc", ptc_dir / "dev-articles")
    assert gold_set.texts is not None
    gold, texts = gold_set.spans, gold_set.texts
    rng = random.Random(5)
    pred = {
        a: [
            Span(max(0, s.start - rng.randint(0, 8)), s.end, s.technique if rng.random() < 0.7 else NAME)
            for s in spans
            if rng.random() < 0.8
        ]
        for a, spans in gold.items()
    }
    y_true, y_pred = [], []
    for article_id in sorted(gold):
        tokens = whitespace_tokens(texts[article_id])
        for label in LABELS:
            y_true.append(
                bio_tags(tokens, [(s.start, s.end) for s in gold[article_id] if s.technique == label], label)
            )
            y_pred.append(
                bio_tags(tokens, [(s.start, s.end) for s in pred[article_id] if s.technique == label], label)
            )
    score = score_tokens(pred, gold, texts)
    assert score.precision == pytest.approx(precision_score(y_true, y_pred), abs=1e-12)
    assert score.recall == pytest.approx(recall_score(y_true, y_pred), abs=1e-12)
    assert score.f1 == pytest.approx(f1_score(y_true, y_pred), abs=1e-12)
    assert 0.05 < score.f1 < 0.95  # a non-trivial case
