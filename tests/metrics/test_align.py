"""Aligner: exact, normalised and fuzzy matches, occurrence policies, offsets, unaligned phrases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span
from ptc_bench.metrics.align import align_phrases
from ptc_bench.metrics.parse import ParsedPair, parse_generation
from ptc_bench.metrics.text_normalize import normalize_phrase, normalize_with_map

LL = "Loaded_Language"
TEXT = "The mob came. Then the mob left.\nThe MOB?"


def _covered(text: str, spans: tuple[Span, ...], offset: int = 0) -> list[str]:
    return [text[span.start - offset : span.end - offset] for span in spans]


def test_exact_match_single() -> None:
    result = align_phrases([ParsedPair("came", LL)], TEXT)
    assert result.spans == (Span(8, 12, LL),)
    assert result.matches[0].method == "exact"
    assert result.matches[0].score == 1.0
    assert result.unaligned == ()


def test_all_policy_keeps_every_exact_occurrence() -> None:
    result = align_phrases([ParsedPair("mob", LL)], TEXT)
    assert result.spans == (Span(4, 7, LL), Span(23, 26, LL))
    assert _covered(TEXT, result.spans) == ["mob", "mob"]


def test_first_policy_keeps_the_first_occurrence() -> None:
    result = align_phrases([ParsedPair("mob", LL)], TEXT, policy="first")
    assert result.spans == (Span(4, 7, LL),)


def test_first_policy_gives_the_kth_listing_the_kth_occurrence() -> None:
    pairs = [ParsedPair("mob", LL), ParsedPair("mob", LL), ParsedPair("mob", LL)]
    result = align_phrases(pairs, TEXT, policy="first")
    assert [match.spans for match in result.matches] == [
        (Span(4, 7, LL),),
        (Span(23, 26, LL),),
        (Span(23, 26, LL),),
    ]
    assert result.spans == (Span(4, 7, LL), Span(23, 26, LL))


def test_occurrences_do_not_overlap() -> None:
    result = align_phrases([ParsedPair("aa", LL)], "aaaaa aa")
    assert result.spans == (Span(6, 8, LL),)
    inside_words_only = align_phrases([ParsedPair("aa", LL)], "aaaaa")
    assert inside_words_only.spans == (Span(0, 2, LL), Span(2, 4, LL))


def test_whole_word_occurrences_preferred_over_ones_inside_words() -> None:
    text = "Their software wars. War is war."
    result = align_phrases([ParsedPair("war", LL)], text)
    assert _covered(text, result.spans) == ["war"]
    assert result.spans == (Span(28, 31, LL),)


def test_one_phrase_with_two_techniques_gives_two_spans() -> None:
    pairs = [ParsedPair("came", LL), ParsedPair("came", "Doubt")]
    result = align_phrases(pairs, TEXT, policy="first")
    assert result.spans == (Span(8, 12, "Doubt"), Span(8, 12, LL))


@pytest.mark.parametrize(
    ("text", "phrase", "covered"),
    [
        ("He called them “so-called experts” again.", '"so-called experts"', "“so-called experts”"),
        ("It’s a disgrace.", "it's a disgrace", "It’s a disgrace"),
        ("a  total   disaster here", "a total disaster", "a  total   disaster"),
        ("Lock her\nup! they chanted", "Lock her up!", "Lock her\nup!"),
        ("Lock her \r\n up!", "lock HER up!", "Lock her \r\n up!"),
        ("a long–running sham", "long-running sham", "long–running sham"),
        ("wait… what", "wait... what", "wait… what"),
        ("\ufeffTraitors all", "traitors", "Traitors"),
        ("non\u00a0stop lies", "non stop lies", "non\u00a0stop lies"),
    ],
)
def test_normalized_match_maps_back_to_original_offsets(text: str, phrase: str, covered: str) -> None:
    result = align_phrases([ParsedPair(phrase, LL)], text, offset=1000)
    assert result.matches[0].method == "normalized"
    assert _covered(text, result.spans, offset=1000) == [covered]


def test_exact_is_tried_before_normalized() -> None:
    text = "The Mob and the mob"
    result = align_phrases([ParsedPair("mob", LL)], text)
    assert result.matches[0].method == "exact"
    assert result.spans == (Span(16, 19, LL),)
    loose = align_phrases([ParsedPair("MOB", LL)], text)
    assert loose.matches[0].method == "normalized"
    assert _covered(text, loose.spans) == ["Mob", "mob"]


def test_offset_shifts_spans_to_article_offsets() -> None:
    article = "Header line.\n" + TEXT
    window_offset = len("Header line.\n")
    result = align_phrases([ParsedPair("came", LL)], TEXT, offset=window_offset)
    assert result.spans == (Span(21, 25, LL),)
    assert _covered(article, result.spans) == ["came"]


def test_surrounding_whitespace_is_stripped_and_reported() -> None:
    result = align_phrases([ParsedPair("  came\n", LL)], TEXT)
    assert result.spans == (Span(8, 12, LL),)
    assert result.matches[0].stripped
    assert not align_phrases([ParsedPair("came", LL)], TEXT).matches[0].stripped


def test_fuzzy_is_off_by_default_and_finds_near_copies_when_on() -> None:
    text = "They are an absolute disgrace to the nation."
    pair = ParsedPair("an absolut disgrace", LL)
    off = align_phrases([pair], text)
    assert off.unaligned == (pair,)
    assert off.matches[0].method == "none"
    on = align_phrases([pair], text, fuzzy_threshold=0.85)
    assert on.matches[0].method == "fuzzy"
    assert _covered(text, on.spans) == ["an absolute disgrace"]
    assert on.matches[0].score == pytest.approx(2 * 19 / (19 + 20))
    assert on.unaligned == ()


def test_fuzzy_below_threshold_stays_unaligned() -> None:
    result = align_phrases([ParsedPair("completely different words", LL)], TEXT, fuzzy_threshold=0.9)
    assert result.matches[0].method == "none"
    assert len(result.unaligned) == 1


def test_unaligned_phrases_are_reported_in_order_never_dropped() -> None:
    pairs = [
        ParsedPair("ghost", LL),
        ParsedPair("mob", LL),
        ParsedPair("...", LL),
        ParsedPair("ghost", "Doubt"),
    ]
    result = align_phrases(pairs, TEXT)
    assert result.unaligned == (pairs[0], pairs[2], pairs[3])
    assert [match.method for match in result.matches] == ["none", "exact", "none", "none"]
    assert len(result.matches) == len(pairs)


@pytest.mark.parametrize("phrase", ["", "   ", "?!", " — ", "\u200b"])
def test_phrases_without_letters_or_digits_are_unaligned(phrase: str) -> None:
    text = "?! — yes \u200b"
    result = align_phrases([ParsedPair(phrase, LL)], text)
    assert result.spans == ()
    assert result.unaligned == (ParsedPair(phrase, LL),)


def test_bad_policy_and_threshold_are_rejected() -> None:
    with pytest.raises(ValueError, match="policy"):
        align_phrases([], TEXT, policy="last")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fuzzy_threshold"):
        align_phrases([], TEXT, fuzzy_threshold=1.5)


def test_normalized_text_index_map() -> None:
    normalized = normalize_with_map("A  “B”\n\nc…")
    assert normalized.text == 'a "b" c...'
    assert normalized.origin == (0, 1, 3, 4, 5, 6, 8, 9, 9, 9)
    assert normalized.to_original(2, 5) == (3, 6)
    assert normalize_phrase("  Ab\u200b ") == "ab"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab cd’'“\"\n–-", min_size=1, max_size=60), st.data())
def test_any_substring_aligns_to_text_equal_to_it(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    phrase = text[start:end].strip()
    result = align_phrases([ParsedPair(phrase, LL)], text, offset=7)
    if not any(char.isalnum() for char in phrase):
        assert result.unaligned
        return
    assert result.matches[0].method == "exact"
    assert all(covered == phrase for covered in _covered(text, result.spans, offset=7))
    assert result.spans


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc d'\"-", min_size=1, max_size=60), st.data())
def test_respelled_substring_aligns_to_text_with_the_same_normal_form(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    original = text[start:end].strip()
    respelled = original.upper().replace("'", "’").replace('"', "“").replace("-", "—").replace(" ", "  ")
    result = align_phrases([ParsedPair(respelled, LL)], text)
    if not any(char.isalnum() for char in original):
        assert result.unaligned
        return
    assert result.spans
    assert all(
        normalize_phrase(covered) == normalize_phrase(original) for covered in _covered(text, result.spans)
    )


def test_every_dev_gold_span_survives_the_phrase_round_trip(ptc_dir: Path) -> None:
    """Gold spans -> their text as a JSON answer -> parser -> aligner (policy all) finds each span."""
    gold: dict[str, list[Span]] = {}
    with (ptc_dir / "dev-task-flc-tc.labels").open(encoding="utf-8") as rows:
        for row in rows:
            article_id, technique, start, end = row.rstrip("\n").split("\t")
            gold.setdefault(article_id, []).append(Span(int(start), int(end), technique))
    found = total = 0
    for article_id, spans in gold.items():
        path = ptc_dir / "dev-articles" / f"article{article_id}.txt"
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        items = [
            f"{json.dumps(text[s.start : s.end], ensure_ascii=False)}: {json.dumps(s.technique)}"
            for s in spans
        ]
        parsed = parse_generation("{" + ", ".join(items) + "}", LABELS)
        assert parsed.ok, (article_id, parsed.message)
        aligned = set(align_phrases(parsed.pairs, text).spans)
        found += sum(span in aligned for span in spans)
        total += len(spans)
    assert (found, total) == (1063, 1063)
