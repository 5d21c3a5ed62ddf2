"""BIO tags per technique layer: gold -> tags by hand, tags -> spans, chunking, the tagging ceiling."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.approaches.tagger.tags import (
    BEGIN,
    IGNORE,
    INSIDE,
    OUTSIDE,
    SPAN_LAYER,
    Chunk,
    TagScheme,
    chunk_text,
    decode_tags,
    gold_tags,
    merge_spans,
)
from ptc_bench.core.types import Span
from tests.benchmark.approaches.tagger.word_tokenizer import word_tokenizer

TEXT = "Mr Smith, a crook, lied about the corrupt regime."
# tokens: [CLS] Mr(0,2) Smith(3,8) ,(8,9) a(10,11) crook(12,17) ,(17,18) lied(19,23) about(24,29)
#         the(30,33) corrupt(34,41) regime(42,48) .(48,49) [SEP]
NC, LL = "Name_Calling,Labeling", "Loaded_Language"
O, B, I, X = OUTSIDE, BEGIN, INSIDE, IGNORE  # noqa: E741 (the tag letters)


def one_chunk(text: str = TEXT) -> Chunk:
    (chunk,) = chunk_text(word_tokenizer(text), text, max_length=64)
    return chunk


def test_chunk_offsets_mark_special_tokens_none() -> None:
    chunk = one_chunk()
    assert chunk.offsets[0] is None and chunk.offsets[-1] is None
    assert chunk.offsets[1:4] == ((0, 2), (3, 8), (8, 9))
    assert len(chunk.input_ids) == 14


def test_gold_tags_one_layer_by_hand() -> None:
    tags = gold_tags(one_chunk(), [Span(10, 17, NC)], TagScheme((NC,)))
    assert [t[0] for t in tags] == [X, O, O, O, B, I, O, O, O, O, O, O, O, X]


def test_overlapping_spans_of_two_techniques_live_in_two_layers() -> None:
    scheme = TagScheme((NC, LL))
    spans = [Span(30, 48, NC), Span(34, 41, LL)]  # "the corrupt regime" contains "corrupt"
    tags = gold_tags(one_chunk(), spans, scheme)
    assert [t[0] for t in tags][9:13] == [B, I, I, O]
    assert [t[1] for t in tags][9:13] == [O, B, O, O]
    assert sorted(decode_tags(one_chunk(), tags, TEXT, scheme), key=lambda s: s.start) == sorted(
        spans, key=lambda s: s.start
    )


def test_overlapping_spans_of_one_technique_merge_into_one_run() -> None:
    scheme = TagScheme((NC,))
    tags = gold_tags(one_chunk(), [Span(30, 41, NC), Span(34, 48, NC)], scheme)
    assert [t[0] for t in tags][9:13] == [B, I, I, O]
    assert decode_tags(one_chunk(), tags, TEXT, scheme) == [Span(30, 48, NC)]


def test_adjacent_spans_keep_their_boundary() -> None:
    scheme = TagScheme((NC,))
    spans = [Span(0, 8, NC), Span(10, 17, NC)]
    tags = gold_tags(one_chunk(), spans, scheme)
    assert decode_tags(one_chunk(), tags, TEXT, scheme) == spans


def test_a_span_inside_a_token_widens_to_the_token() -> None:
    """The tagging ceiling: "rook" (13-17) can only come back as the whole token "crook"."""
    scheme = TagScheme((NC,))
    tags = gold_tags(one_chunk(), [Span(13, 17, NC)], scheme)
    assert decode_tags(one_chunk(), tags, TEXT, scheme) == [Span(12, 17, NC)]


def test_span_identification_has_one_technique_free_layer() -> None:
    scheme = TagScheme((SPAN_LAYER,))
    assert scheme.technique_agnostic and scheme.num_labels == 3
    tags = gold_tags(one_chunk(), [Span(10, 17, NC), Span(34, 41, LL)], scheme)
    assert decode_tags(one_chunk(), tags, TEXT, scheme) == [Span(10, 17), Span(34, 41)]


def test_techniques_out_of_scope_are_not_tagged() -> None:
    tags = gold_tags(one_chunk(), [Span(34, 41, LL)], TagScheme((NC,)))
    assert all(t[0] in (O, X) for t in tags)


def test_decoding_reads_inside_after_outside_as_a_start_and_trims_spaces() -> None:
    chunk = Chunk((5, 6, 7, 8), (None, (0, 3), (3, 9), None))  # a byte-level token " crook" keeps its space
    text = "Mr  crook"
    assert decode_tags(chunk, [[X], [O], [I], [X]], text, TagScheme((NC,))) == [Span(4, 9, NC)]


def test_long_text_is_cut_into_overlapping_chunks_and_spans_merge_back() -> None:
    text = " ".join(f"w{i}" for i in range(40))
    tokenizer = word_tokenizer(text)
    chunks = chunk_text(tokenizer, text, max_length=16, stride=4)
    assert len(chunks) > 2
    covered = {offset for chunk in chunks for offset in chunk.offsets if offset is not None}
    assert len(covered) == 40  # every word in some chunk
    gold = [Span(text.index("w10"), text.index("w13") + 3, NC)]
    scheme = TagScheme((NC,))
    found = [s for chunk in chunks for s in decode_tags(chunk, gold_tags(chunk, gold, scheme), text, scheme)]
    assert merge_spans(found) == gold


def test_merge_spans_joins_overlaps_of_one_technique_only() -> None:
    spans = [Span(0, 5, NC), Span(3, 9, NC), Span(4, 6, LL), Span(9, 12, NC)]
    assert merge_spans(spans) == [Span(0, 9, NC), Span(4, 6, LL), Span(9, 12, NC)]


def test_head_outputs_are_layer_major() -> None:
    assert TagScheme((NC, LL)).id2label() == {
        0: f"O-{NC}",
        1: f"B-{NC}",
        2: f"I-{NC}",
        3: f"O-{LL}",
        4: f"B-{LL}",
        5: f"I-{LL}",
    }


@pytest.mark.parametrize("technique", [None, "Doubt"])
def test_layer_of_out_of_scope(technique: str | None) -> None:
    assert TagScheme((NC,)).layer_of(Span(0, 1, technique)) is None
