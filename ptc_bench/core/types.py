"""The shared vocabulary: small frozen dataclasses passed everywhere instead of bare dicts.

Offsets are half-open character offsets `[start, end)` into the article text, exactly as in the
PTC label files (Python `str` indices of the text read as UTF-8, a BOM included).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range `[start, end)`; `technique` is the PTC label, None for SI."""

    start: int
    end: int
    technique: str | None = None

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end}): need 0 <= start < end")

    @property
    def length(self) -> int:
        """Number of characters covered."""
        return self.end - self.start

    def shifted(self, delta: int) -> Span:
        """The same span moved by `delta` characters (window <-> article offsets)."""
        return Span(self.start + delta, self.end + delta, self.technique)

    def covered_text(self, text: str) -> str:
        """The characters of `text` this span covers."""
        return text[self.start : self.end]


@dataclass(frozen=True)
class Article:
    """One news article: its PTC id (digits, as a string) and its full text."""

    id: str
    text: str


@dataclass(frozen=True)
class Window:
    """A piece of an article made of whole lines; `offset` is where it starts in the article."""

    article_id: str
    offset: int
    text: str
    index: int = 0

    @property
    def end(self) -> int:
        """Article offset just past the window's last character."""
        return self.offset + len(self.text)


@dataclass(frozen=True)
class SplitData:
    """One split of a corpus: articles by id and, unless the split has no gold, spans by id."""

    name: str
    articles: dict[str, Article]
    spans: dict[str, tuple[Span, ...]] | None = field(default=None)

    @property
    def has_gold(self) -> bool:
        """True when gold labels were loaded for this split."""
        return self.spans is not None

    def gold(self, article_id: str) -> tuple[Span, ...]:
        """Gold spans of one article (empty when the article has none)."""
        if self.spans is None:
            raise ValueError(f"split {self.name!r} has no gold labels")
        return self.spans.get(article_id, ())
