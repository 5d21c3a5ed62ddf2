"""Windows: an article cut into pieces of whole lines within a length budget, with their offsets.

Windows tile the article exactly (their texts, in order, concatenate to the article text; newlines
stay inside the windows), so a span in window offsets maps back to the article by adding the
window's offset. A single line over the budget is split at whitespace, or hard-split as a last resort.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ptc_bench.core.types import Article, Span, Window

LengthFn = Callable[[str], int]
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_WORD = re.compile(r"\s+|\S+\s*")


def make_windows(article: Article, max_length: int, length_fn: LengthFn = len) -> list[Window]:
    """Consecutive windows of whole lines, each within `max_length` by `length_fn` (none for "")."""
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, got {max_length}")
    texts = _pack(_LINE.findall(article.text), max_length, length_fn, _split_long_line)
    windows: list[Window] = []
    offset = 0
    for index, text in enumerate(texts):
        windows.append(Window(article.id, offset, text, index))
        offset += len(text)
    return windows


def spans_in_window(window: Window, spans: Iterable[Span]) -> tuple[list[Span], int]:
    """Spans overlapping the window, clipped to it in window offsets, and how many were clipped."""
    inside: list[Span] = []
    clipped = 0
    for span in spans:
        start = max(span.start, window.offset)
        end = min(span.end, window.end)
        if start >= end:
            continue
        if start != span.start or end != span.end:
            clipped += 1
        inside.append(Span(start - window.offset, end - window.offset, span.technique))
    return inside, clipped


def window_spans_to_article(window: Window, spans: Iterable[Span]) -> list[Span]:
    """Spans in window offsets moved to article offsets; ValueError for a span past the window."""
    moved: list[Span] = []
    for span in spans:
        if span.end > len(window.text):
            raise ValueError(f"span {span} ends past window {window.index} ({len(window.text)} characters)")
        moved.append(span.shifted(window.offset))
    return moved


def _split_long_line(line: str, max_length: int, length_fn: LengthFn) -> list[str]:
    """Pieces of one over-long line: whole words packed greedily, an over-long word cut hard."""
    return _pack(_WORD.findall(line), max_length, length_fn, _hard_split)


def _pack(
    units: Iterable[str],
    max_length: int,
    length_fn: LengthFn,
    split_oversized: Callable[[str, int, LengthFn], list[str]],
) -> list[str]:
    """Concatenate consecutive units greedily within `max_length`; an over-long unit is split."""
    pieces: list[str] = []
    current = ""
    for unit in units:
        if length_fn(unit) > max_length:
            if current:
                pieces.append(current)
                current = ""
            pieces.extend(split_oversized(unit, max_length, length_fn))
        elif current and length_fn(current + unit) > max_length:
            pieces.append(current)
            current = unit
        else:
            current += unit
    if current:
        pieces.append(current)
    return pieces


def _hard_split(text: str, max_length: int, length_fn: LengthFn) -> list[str]:
    """Longest prefixes within the budget (at least one character each) until `text` is used up."""
    pieces: list[str] = []
    while text:
        low, high = 1, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if length_fn(text[:middle]) <= max_length:
                low = middle
            else:
                high = middle - 1
        pieces.append(text[:low])
        text = text[low:]
    return pieces
