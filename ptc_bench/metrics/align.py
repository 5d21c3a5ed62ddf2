"""Map parsed phrases back to character spans of the text they were read from.

Each phrase (surrounding whitespace stripped) is looked up exactly, occurrences that stand as whole
words preferred over ones inside a word; failing that, in a normalised form (case, whitespace runs,
quotes, dashes) mapped back to original offsets; failing that, and only when a threshold is given,
approximately. Policy `all` keeps every non-overlapping occurrence; `first` keeps one: the k-th
listing of the same (phrase, technique) takes the k-th occurrence (the last one when the text has
fewer). Phrases found nowhere are returned as unaligned, never dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ptc_bench.core.types import Span
from ptc_bench.metrics.fuzzy_match import best_fuzzy_window
from ptc_bench.metrics.parse import ParsedPair
from ptc_bench.metrics.text_normalize import NormalizedText, normalize_phrase, normalize_with_map

MatchMethod = Literal["exact", "normalized", "fuzzy", "none"]
AlignPolicy = Literal["all", "first"]
POLICIES: tuple[str, ...] = ("all", "first")


@dataclass(frozen=True)
class PhraseMatch:
    """How one pair was found: method, spans (article offsets), similarity, and whether it was stripped."""

    pair: ParsedPair
    method: MatchMethod
    spans: tuple[Span, ...]
    score: float = 0.0
    stripped: bool = False


@dataclass(frozen=True)
class AlignmentResult:
    """Unique spans sorted by position, the pairs found nowhere, and one match per input pair."""

    spans: tuple[Span, ...]
    unaligned: tuple[ParsedPair, ...]
    matches: tuple[PhraseMatch, ...]


@dataclass(frozen=True)
class _Found:
    method: MatchMethod
    ranges: tuple[tuple[int, int], ...]
    score: float


def align_phrases(
    pairs: Sequence[ParsedPair],
    text: str,
    *,
    offset: int = 0,
    policy: AlignPolicy = "all",
    fuzzy_threshold: float | None = None,
) -> AlignmentResult:
    """Spans (in article offsets: text offset + `offset`) for every pair found in `text`."""
    if policy not in POLICIES:
        raise ValueError(f"unknown alignment policy {policy!r}; expected one of {', '.join(POLICIES)}")
    if fuzzy_threshold is not None and not 0.0 < fuzzy_threshold <= 1.0:
        raise ValueError(f"fuzzy_threshold must be in (0, 1], got {fuzzy_threshold}")
    finder = _Finder(text, fuzzy_threshold)
    listings: Counter[tuple[str, str]] = Counter()
    matches: list[PhraseMatch] = []
    for pair in pairs:
        phrase = pair.phrase.strip()
        found = finder.find(phrase)
        ranges = found.ranges
        if policy == "first" and ranges:
            k = listings[(phrase, pair.technique)]
            listings[(phrase, pair.technique)] += 1
            ranges = (ranges[min(k, len(ranges) - 1)],)
        spans = tuple(Span(start + offset, end + offset, pair.technique) for start, end in ranges)
        matches.append(PhraseMatch(pair, found.method, spans, found.score, phrase != pair.phrase))
    all_spans = sorted({span for match in matches for span in match.spans}, key=_span_order)
    unaligned = tuple(match.pair for match in matches if not match.spans)
    return AlignmentResult(tuple(all_spans), unaligned, tuple(matches))


def _span_order(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.technique or ""


class _Finder:
    """Occurrences of phrases in one text; the normalised text is built once, when first needed."""

    def __init__(self, text: str, fuzzy_threshold: float | None) -> None:
        self.text = text
        self.fuzzy_threshold = fuzzy_threshold
        self._normalized: NormalizedText | None = None
        self._cache: dict[str, _Found] = {}

    def find(self, phrase: str) -> _Found:
        """All non-overlapping occurrences by the first method that finds any."""
        if phrase not in self._cache:
            self._cache[phrase] = self._search(phrase)
        return self._cache[phrase]

    def _search(self, phrase: str) -> _Found:
        if not any(char.isalnum() for char in phrase):
            return _Found("none", (), 0.0)
        exact = _occurrences(self.text, phrase)
        if exact:
            return _Found("exact", tuple(exact), 1.0)
        normalized = self.normalized()
        needle = normalize_phrase(phrase)
        loose = [normalized.to_original(s, e) for s, e in _occurrences(normalized.text, needle)]
        if loose:
            return _Found("normalized", tuple(loose), 1.0)
        if self.fuzzy_threshold is not None:
            hit = best_fuzzy_window(normalized.text, needle, self.fuzzy_threshold)
            if hit is not None:
                return _Found("fuzzy", (normalized.to_original(hit.start, hit.end),), hit.ratio)
        return _Found("none", (), 0.0)

    def normalized(self) -> NormalizedText:
        if self._normalized is None:
            self._normalized = normalize_with_map(self.text)
        return self._normalized


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of `needle`, left to right; those inside words only as a fallback.

    "war" is not taken from "software" when it also stands as a word; it is when it occurs nowhere
    else (annotated spans occasionally cut a word).
    """
    found: list[tuple[int, int]] = []
    if not needle:
        return found
    position = text.find(needle)
    while position >= 0:
        found.append((position, position + len(needle)))
        position = text.find(needle, position + len(needle))
    whole_words = [(start, end) for start, end in found if _on_word_boundaries(text, start, end)]
    return whole_words or found


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Neither end of `[start, end)` splits a run of letters/digits."""
    cuts_left = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    cuts_right = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not cuts_left and not cuts_right
