"""Loose text normalisation that remembers where every character came from.

Used to find a phrase whose spelling differs from the text only in case, whitespace runs, curly vs
straight quotes and apostrophes, dashes or ellipses, and still report the span in ORIGINAL offsets.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_DROPPED = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_REPLACEMENTS: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}


@dataclass(frozen=True)
class NormalizedText:
    """The normalised string and, for each of its characters, the index it came from."""

    text: str
    origin: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original `[start, end)` covering the normalised characters `[start, end)` (end > start)."""
        return self.origin[start], self.origin[end - 1] + 1


def normalize_char(char: str) -> str:
    """One character's normalised form: may be empty (zero-width) or several characters."""
    if char in _DROPPED:
        return ""
    if char.isspace():
        return " "
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    if char.isascii():
        return char.lower()
    return "".join(_REPLACEMENTS.get(part, part) for part in unicodedata.normalize("NFKC", char)).lower()


def normalize_with_map(text: str) -> NormalizedText:
    """Normalise `text` (whitespace runs collapsed to one space) keeping the origin of each character."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        normalized = normalize_char(char)
        if normalized == " " and chars and chars[-1] == " ":
            continue
        for part in normalized:
            if part.isspace():
                if chars and chars[-1] == " ":
                    continue
                part = " "
            chars.append(part)
            origin.append(index)
    return NormalizedText("".join(chars), tuple(origin))


def normalize_phrase(phrase: str) -> str:
    """A phrase's normalised form, without leading or trailing spaces."""
    return normalize_with_map(phrase).text.strip(" ")
