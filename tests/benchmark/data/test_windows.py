"""Windows: exact tiling, the length budget, and the span round trip (property tests with hypothesis)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptc_bench.benchmark.data.windows import make_windows, spans_in_window, window_spans_to_article
from ptc_bench.core.types import Article, Span, Window

_TEXT = st.text(alphabet=st.sampled_from(list("ab c\n\n\t\ufeffé")), max_size=300)


def _spans(text_length: int) -> st.SearchStrategy[list[Span]]:
    bound = st.integers(min_value=0, max_value=max(text_length, 1))
    pair = st.tuples(bound, bound, st.sampled_from(["Doubt", "Slogans", None]))
    return st.lists(pair, max_size=12).map(
        lambda pairs: [
            Span(min(a, b), max(a, b), t) for a, b, t in pairs if a != b and max(a, b) <= text_length
        ]
    )


def test_whole_lines_are_packed_greedily() -> None:
    article = Article("1", "aaa\nbb\ncccc\n\ndd")
    windows = make_windows(article, 8)
    assert [w.text for w in windows] == ["aaa\nbb\n", "cccc\n\ndd"]
    assert [(w.offset, w.index, w.article_id) for w in windows] == [(0, 0, "1"), (7, 1, "1")]


def test_long_line_is_split_at_whitespace_then_hard() -> None:
    article = Article("1", "short\none two three\nxxxxxxxxxxxx\nend\n")
    texts = [w.text for w in make_windows(article, 8)]
    assert texts == ["short\n", "one two ", "three\n", "xxxxxxxx", "xxxx\n", "end\n"]


def test_token_length_function_sets_the_budget() -> None:
    article = Article("1", "a b c\nd e\nf g h i\n")
    windows = make_windows(article, 5, length_fn=lambda text: len(text.split()))
    assert [w.text for w in windows] == ["a b c\nd e\n", "f g h i\n"]


def test_empty_article_and_bad_budget() -> None:
    assert make_windows(Article("1", ""), 10) == []
    with pytest.raises(ValueError, match="at least 1"):
        make_windows(Article("1", "x"), 0)


def test_spans_clipped_at_a_boundary_are_counted() -> None:
    article = Article("1", "aaa\nbbb\nccc\n")
    first, second, third = make_windows(article, 4)
    spans = [Span(1, 3, "Doubt"), Span(2, 10, "Slogans"), Span(5, 6)]
    assert spans_in_window(first, spans) == ([Span(1, 3, "Doubt"), Span(2, 4, "Slogans")], 1)
    assert spans_in_window(second, spans) == ([Span(0, 4, "Slogans"), Span(1, 2)], 1)
    assert spans_in_window(third, spans) == ([Span(0, 2, "Slogans")], 1)
    assert window_spans_to_article(third, [Span(0, 2, "Slogans")]) == [Span(8, 10, "Slogans")]
    with pytest.raises(ValueError, match="ends past window"):
        window_spans_to_article(third, [Span(0, 5)])


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, budget=st.integers(min_value=1, max_value=40))
def test_windows_tile_the_article_within_budget(text: str, budget: int) -> None:
    windows = make_windows(Article("9", text), budget)
    assert "".join(w.text for w in windows) == text
    offset = 0
    for index, window in enumerate(windows):
        assert (window.offset, window.index) == (offset, index)
        assert window.text == text[window.offset : window.end]
        assert 0 < len(window.text) <= budget
        offset = window.end


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, budget=st.integers(min_value=1, max_value=40))
def test_budget_holds_for_a_non_additive_length(text: str, budget: int) -> None:
    """UTF-8 bytes: a character can cost 1-3; only a single character may exceed the budget."""

    def utf8_bytes(piece: str) -> int:
        return len(piece.encode("utf-8"))

    windows = make_windows(Article("9", text), budget, length_fn=utf8_bytes)
    assert "".join(w.text for w in windows) == text
    assert all(utf8_bytes(w.text) <= budget or len(w.text) == 1 for w in windows)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, budget=st.integers(min_value=1, max_value=40))
def test_windows_end_at_line_ends_unless_a_line_is_too_long(text: str, budget: int) -> None:
    for window in make_windows(Article("9", text), budget)[:-1]:
        if not window.text.endswith("\n"):
            line_start = text.rfind("\n", 0, window.end) + 1
            line_end = text.find("\n", window.end)
            line_end = len(text) if line_end < 0 else line_end + 1
            assert line_end - line_start > budget


@settings(max_examples=300, deadline=None)
@given(data=st.data(), text=_TEXT.filter(bool), budget=st.integers(min_value=1, max_value=40))
def test_any_span_set_survives_the_window_round_trip(data: st.DataObject, text: str, budget: int) -> None:
    spans = data.draw(_spans(len(text)))
    windows = make_windows(Article("9", text), budget)
    pieces: dict[int, list[Span]] = {index: [] for index in range(len(spans))}
    total_clipped = 0
    for window in windows:
        inside, clipped = spans_in_window(window, spans)
        assert all(0 <= s.start < s.end <= len(window.text) for s in inside)
        owners = [index for index, span in enumerate(spans) if _overlaps(span, window)]
        assert len(inside) == len(owners)
        for index, piece in zip(owners, window_spans_to_article(window, inside), strict=True):
            pieces[index].append(piece)
        assert clipped == sum(1 for index in owners if not _contains(window, spans[index]))
        total_clipped += clipped
    for index, span in enumerate(spans):
        mine = pieces[index]
        if len(mine) == 1:
            assert mine == [span]
        assert all(piece.technique == span.technique for piece in mine)
        assert mine[0].start == span.start and mine[-1].end == span.end
        assert all(a.end == b.start for a, b in itertools.pairwise(mine))
    assert total_clipped == sum(len(mine) for mine in pieces.values() if len(mine) > 1)


def _overlaps(span: Span, window: Window) -> bool:
    return span.start < window.end and window.offset < span.end


def _contains(window: Window, span: Span) -> bool:
    return window.offset <= span.start and span.end <= window.end
