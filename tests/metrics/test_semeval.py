"""SI, FLC and TC: one scenario per matching rule (every counter by hand), then agreement with the
independent reference implementation on random predictions over the real dev set."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span
from ptc_bench.metrics.naive import reference_flc, reference_si, reference_tc
from ptc_bench.metrics.prediction_io import load_gold
from ptc_bench.metrics.semeval import score_flc, score_si, score_tc
from ptc_bench.metrics.spans import merge_intervals, overlap_sums

LOADED = "Loaded_Language"
NAME = "Name_Calling,Labeling"
DOUBT = "Doubt"


def counters(score: object) -> tuple[float, float, int, int]:
    return (score.precision_sum, score.recall_sum, score.n_pred, score.n_gold)  # type: ignore[attr-defined]


def si(pred: list[tuple[int, int]], gold: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    return score_si({"1": [Span(*p) for p in pred]}, {"1": [Span(*g) for g in gold]})


# --- interval helpers -------------------------------------------------------------------------


def test_merge_intervals_joins_overlaps_but_keeps_touching_apart() -> None:
    assert merge_intervals([(5, 9), (0, 5), (3, 4), (20, 30), (25, 40), (40, 41)]) == [
        (0, 5),
        (5, 9),
        (20, 40),
        (40, 41),
    ]


def test_overlap_sums_of_sorted_disjoint_lists() -> None:
    # pred [0,4) vs gold [2,10): 2 chars; pred [8,12) vs gold [2,10): 2 chars
    assert overlap_sums([(0, 4), (8, 12)], [(2, 10)]) == pytest.approx((2 / 4 + 2 / 4, 2 / 8 + 2 / 8))


# --- SI scenarios -----------------------------------------------------------------------------


def test_disjoint_spans_score_zero() -> None:
    score = si([(20, 30)], [(0, 10)])
    assert counters(score) == (0.0, 0.0, 1, 1)
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)


def test_nested_prediction_inside_gold() -> None:
    score = si([(2, 6)], [(0, 10)])
    assert counters(score) == pytest.approx((1.0, 0.4, 1, 1))
    assert score.precision == 1.0
    assert score.recall == pytest.approx(0.4)
    assert score.f1 == pytest.approx(2 * 0.4 / 1.4)


def test_partial_overlap_counts_shared_characters() -> None:
    score = si([(5, 15)], [(0, 10)])
    assert counters(score) == pytest.approx((0.5, 0.5, 1, 1))
    assert score.f1 == pytest.approx(0.5)


def test_touching_predictions_stay_apart() -> None:
    # [0,4) and [4,10) share no character: two predictions. Merged they would give P = 0.6.
    score = si([(0, 4), (4, 10)], [(0, 6)])
    assert counters(score) == pytest.approx((1 + 2 / 6, 4 / 6 + 2 / 6, 2, 1))
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(1.0)
    assert score.f1 == pytest.approx(0.8)


def test_overlapping_predictions_are_merged() -> None:
    score = si([(0, 6), (4, 10)], [(0, 10)])
    assert counters(score) == pytest.approx((1.0, 1.0, 1, 1))
    assert score.f1 == 1.0


def test_overlapping_gold_spans_are_merged() -> None:
    score = si([(0, 5)], [(0, 6), (3, 10)])
    assert counters(score) == pytest.approx((1.0, 0.5, 1, 1))
    assert score.f1 == pytest.approx(2 / 3)


def test_duplicate_predictions_count_once() -> None:
    score = si([(0, 5), (0, 5)], [(0, 5)])
    assert counters(score) == (1.0, 1.0, 1, 1)


def test_articles_without_predictions_still_count_for_recall() -> None:
    score = score_si({"1": [Span(0, 10)]}, {"1": [Span(0, 10)], "2": [Span(0, 4)]})
    assert counters(score) == (1.0, 1.0, 1, 2)
    assert (score.precision, score.recall) == (1.0, 0.5)
    assert score.f1 == pytest.approx(2 / 3)
    assert [c.article_id for c in score.per_article] == ["1", "2"]
    assert counters(score.per_article[1]) == (0.0, 0.0, 0, 1)


def test_no_gold_and_no_predictions_is_a_perfect_score() -> None:
    score = score_si({}, {"1": [], "2": []})
    assert counters(score) == (0.0, 0.0, 0, 0)
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 1.0)


def test_predictions_but_no_gold_score_zero() -> None:
    score = score_si({"1": [Span(0, 5)]}, {"1": []})
    assert counters(score) == (0.0, 0.0, 1, 0)
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)


def test_gold_but_no_predictions_score_zero() -> None:
    score = score_si({}, {"1": [Span(0, 5)]})
    assert counters(score) == (0.0, 0.0, 0, 1)
    assert score.f1 == 0.0


def test_predictions_for_an_unknown_article_are_rejected() -> None:
    with pytest.raises(ValueError, match="'999'"):
        score_si({"999": [Span(0, 5)]}, {"1": [Span(0, 5)]})
    with pytest.raises(ValueError, match="'999'"):
        score_flc({"999": [Span(0, 5, LOADED)]}, {"1": []})


# --- FLC scenarios ----------------------------------------------------------------------------

FLC_GOLD = {"1": [Span(0, 10, LOADED), Span(20, 30, NAME)]}
FLC_PRED = {"1": [Span(0, 10, NAME), Span(20, 25, NAME), Span(0, 5, LOADED)]}


def test_flc_pairs_count_only_within_a_technique() -> None:
    score = score_flc(FLC_PRED, FLC_GOLD)
    loaded, name = score.per_technique[LOADED], score.per_technique[NAME]
    assert counters(loaded) == pytest.approx((1.0, 0.5, 1, 1))
    assert (loaded.precision, loaded.recall) == pytest.approx((1.0, 0.5))
    assert counters(name) == pytest.approx((1.0, 0.5, 2, 1))
    assert (name.precision, name.recall, name.f1) == pytest.approx((0.5, 0.5, 0.5))
    # overall = sums over techniques; [0,10) NAME and [0,5) LOADED are not merged across techniques
    assert counters(score) == pytest.approx((2.0, 1.0, 3, 2))
    assert (score.precision, score.recall, score.f1) == pytest.approx((2 / 3, 0.5, 4 / 7))


def test_flc_technique_without_gold_or_predictions_has_f1_one() -> None:
    doubt = score_flc(FLC_PRED, FLC_GOLD).per_technique[DOUBT]
    assert counters(doubt) == (0.0, 0.0, 0, 0)
    assert doubt.f1 == 1.0


def test_si_of_the_flc_case_merges_across_techniques() -> None:
    score = score_si(FLC_PRED, FLC_GOLD)
    assert counters(score) == pytest.approx((2.0, 1.5, 2, 2))
    assert (score.precision, score.recall) == pytest.approx((1.0, 0.75))


def test_flc_merges_overlaps_per_technique() -> None:
    gold = {"1": [Span(0, 6, LOADED), Span(3, 10, LOADED), Span(3, 10, NAME)]}
    pred = {"1": [Span(0, 10, LOADED)]}
    score = score_flc(pred, gold)
    assert counters(score.per_technique[LOADED]) == (1.0, 1.0, 1, 1)
    assert counters(score.per_technique[NAME]) == (0.0, 0.0, 0, 1)
    assert counters(score) == (1.0, 1.0, 1, 2)


def test_flc_restricted_to_techniques_ignores_the_others() -> None:
    score = score_flc(FLC_PRED, FLC_GOLD, techniques=[NAME])
    assert list(score.per_technique) == [NAME]
    assert counters(score) == pytest.approx((1.0, 0.5, 2, 1))


def test_flc_per_article_counters_sum_over_techniques() -> None:
    gold = {"1": [Span(0, 10, LOADED)], "2": [Span(0, 4, NAME)]}
    pred = {"1": [Span(0, 5, LOADED), Span(0, 5, NAME)], "2": [Span(0, 4, NAME)]}
    score = score_flc(pred, gold)
    assert [counters(c) for c in score.per_article] == [(1.0, 0.5, 2, 1), (1.0, 1.0, 1, 1)]


# --- TC scenarios -----------------------------------------------------------------------------


def test_tc_multi_label_span_matches_labels_to_maximise_agreement() -> None:
    gold = {"1": [Span(0, 10, LOADED), Span(0, 10, NAME), Span(20, 30, DOUBT)]}
    pred = {"1": [Span(0, 10, NAME), Span(0, 10, LOADED), Span(20, 30, LOADED)]}
    score = score_tc(pred, gold)
    assert (score.n_correct, score.n_gold, score.n_pred) == (2, 3, 3)
    assert score.precision == score.recall == score.f1 == pytest.approx(2 / 3)
    loaded = score.per_technique[LOADED]
    assert (loaded.precision, loaded.recall, loaded.f1) == pytest.approx((0.5, 1.0, 2 / 3))
    assert (loaded.n_gold, loaded.n_pred) == (1, 2)
    name = score.per_technique[NAME]
    assert (name.precision, name.recall, name.f1) == (1.0, 1.0, 1.0)
    doubt = score.per_technique[DOUBT]
    assert (doubt.precision, doubt.recall, doubt.f1, doubt.n_gold) == (0.0, 0.0, 0.0, 1)
    assert score.per_technique["Slogans"].f1 == 0.0
    assert list(score.per_technique) == list(LABELS)


def test_tc_needs_one_label_per_gold_span() -> None:
    gold = {"1": [Span(0, 10, LOADED), Span(0, 10, NAME)]}
    with pytest.raises(ValueError, match=r"\[0, 10\) has 2 gold"):
        score_tc({"1": [Span(0, 10, LOADED)]}, gold)
    with pytest.raises(ValueError, match=r"\[0, 9\)"):
        score_tc({"1": [Span(0, 10, LOADED), Span(0, 9, NAME)]}, gold)


# --- agreement with the reference implementation on the real dev set --------------------------


@pytest.fixture(scope="module")
def dev_gold(ptc_dir: Path) -> tuple[dict[str, list[Span]], dict[str, str]]:
    gold = load_gold(ptc_dir / "dev-labels-task-flc-tc", ptc_dir / "dev-articles")
    assert gold.texts is not None
    return gold.spans, gold.texts


def random_predictions(
    gold: dict[str, list[Span]], texts: dict[str, str], seed: int
) -> dict[str, list[Span]]:
    """Random spans (some near gold spans, many overlapping, some touching); some articles left out."""
    rng = random.Random(seed)
    pred: dict[str, list[Span]] = {}
    for article_id, spans in gold.items():
        if rng.random() < 0.15:
            continue
        length = len(texts[article_id])
        chosen: list[Span] = []
        for span in spans:
            if rng.random() < 0.6:
                start = min(max(0, span.start + rng.randint(-15, 15)), length - 1)
                end = min(length, max(start + 1, span.end + rng.randint(-15, 15)))
                technique = span.technique if rng.random() < 0.6 else rng.choice(LABELS)
                chosen.append(Span(start, end, technique))
        for _ in range(rng.randint(0, 12)):
            start = rng.randrange(length)
            chosen.append(Span(start, min(length, start + rng.randint(1, 120)), rng.choice(LABELS)))
        if chosen and rng.random() < 0.5:
            last = chosen[-1]
            if last.end < length:
                chosen.append(Span(last.end, min(length, last.end + 7), last.technique))  # touching
        pred[article_id] = chosen
    return pred


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_si_and_flc_agree_with_the_reference_on_dev(
    dev_gold: tuple[dict[str, list[Span]], dict[str, str]], seed: int
) -> None:
    gold, texts = dev_gold
    pred = random_predictions(gold, texts, seed)
    si_score, si_ref = score_si(pred, gold), reference_si(pred, gold)
    assert (si_score.n_pred, si_score.n_gold) == (si_ref.n_pred, si_ref.n_gold)
    for name in ("precision_sum", "recall_sum", "precision", "recall", "f1"):
        assert getattr(si_score, name) == pytest.approx(getattr(si_ref, name), abs=1e-9)
    flc_score = score_flc(pred, gold)
    flc_ref, flc_ref_per_technique = reference_flc(pred, gold, LABELS)
    assert (flc_score.n_pred, flc_score.n_gold) == (flc_ref.n_pred, flc_ref.n_gold)
    for name in ("precision_sum", "recall_sum", "precision", "recall", "f1"):
        assert getattr(flc_score, name) == pytest.approx(getattr(flc_ref, name), abs=1e-9)
    for label in LABELS:
        mine, ref = flc_score.per_technique[label], flc_ref_per_technique[label]
        assert (mine.n_pred, mine.n_gold) == (ref.n_pred, ref.n_gold)
        for name in ("precision", "recall", "f1"):
            assert getattr(mine, name) == pytest.approx(getattr(ref, name), abs=1e-9), (label, name)


@pytest.mark.parametrize("seed", [1, 2])
def test_tc_agrees_with_the_reference_on_dev(
    dev_gold: tuple[dict[str, list[Span]], dict[str, str]], seed: int
) -> None:
    gold, _ = dev_gold
    rng = random.Random(seed)
    pred = {
        a: [Span(s.start, s.end, s.technique if rng.random() < 0.5 else rng.choice(LABELS)) for s in spans]
        for a, spans in gold.items()
    }
    score = score_tc(pred, gold)
    accuracy, per_label = reference_tc(pred, gold, LABELS)
    assert score.f1 == pytest.approx(accuracy, abs=1e-9)
    for label in LABELS:
        mine = score.per_technique[label]
        assert (mine.precision, mine.recall, mine.f1) == pytest.approx(per_label[label], abs=1e-9)


def test_gold_against_itself_is_perfect_on_dev(
    dev_gold: tuple[dict[str, list[Span]], dict[str, str]],
) -> None:
    gold, _ = dev_gold
    for score in (score_si(gold, gold), score_flc(gold, gold)):
        assert (score.precision, score.recall, score.f1) == pytest.approx((1.0, 1.0, 1.0), abs=1e-12)
    flc = score_flc(gold, gold)
    assert all(s.f1 == pytest.approx(1.0) for s in flc.per_technique.values())
    assert score_tc(gold, gold).f1 == 1.0
    assert score_si(gold, gold).n_gold == 940  # the official SI gold: overlaps of the 1,063 merged
    assert flc.n_gold <= 1063
