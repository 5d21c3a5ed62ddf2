"""Best approximate occurrence of a phrase in a text (rapidfuzz's ratio over word-aligned windows).

The ratio is rapidfuzz's normalised Indel similarity, 2M/(a+b) with M the longest common
subsequence (computed in C++; `score_cutoff` prunes every window that cannot beat the best so far).
Windows start and end at word boundaries and their lengths are limited to those that could still
reach the threshold: a ratio 2M/(a+b) >= t needs t/(2-t) <= a/b <= (2-t)/t.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.fuzz import ratio as indel_ratio


@dataclass(frozen=True)
class FuzzyHit:
    """A window `[start, end)` of the searched text and its similarity ratio to the phrase."""

    start: int
    end: int
    ratio: float


def best_fuzzy_window(text: str, phrase: str, threshold: float) -> FuzzyHit | None:
    """The most similar word-aligned window of `text` with ratio >= threshold; earliest on ties."""
    if not phrase or not text:
        return None
    shortest = max(1, int(len(phrase) * threshold / (2 - threshold)))
    longest = int(len(phrase) * (2 - threshold) / threshold) + 1
    starts = [i for i in range(len(text)) if _is_start(text, i)]
    ends = [j for j in range(1, len(text) + 1) if _is_end(text, j)]
    best: FuzzyHit | None = None
    end_index = 0
    for start in starts:
        while end_index < len(ends) and ends[end_index] - start < shortest:
            end_index += 1
        for end in ends[end_index:]:
            if end - start > longest:
                break
            floor = threshold if best is None else best.ratio
            ratio = indel_ratio(text[start:end], phrase, score_cutoff=floor * 100) / 100
            if ratio < floor or ratio == 0.0:
                continue
            candidate = FuzzyHit(start, end, ratio)
            if best is None or _better(candidate, best, len(phrase)):
                best = candidate
    return best


def _better(candidate: FuzzyHit, best: FuzzyHit, length: int) -> bool:
    if candidate.ratio != best.ratio:
        return candidate.ratio > best.ratio
    if candidate.start != best.start:
        return candidate.start < best.start
    return abs(candidate.end - candidate.start - length) < abs(best.end - best.start - length)


def _is_start(text: str, i: int) -> bool:
    if text[i].isspace():
        return False
    return i == 0 or text[i - 1].isspace() or text[i].isalnum() != text[i - 1].isalnum()


def _is_end(text: str, j: int) -> bool:
    if text[j - 1].isspace():
        return False
    return j == len(text) or text[j].isspace() or text[j].isalnum() != text[j - 1].isalnum()
