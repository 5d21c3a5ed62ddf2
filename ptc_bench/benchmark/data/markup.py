"""Parser for the sample corpus's inline markup (`.ptcmd`): articles with `{{slug|text}}` spans.

A file is a sequence of articles, each opened by a header line `=== article <ID>`; `#` lines
before the first header are comments. An article's text is its lines up to the next header, with
trailing blank lines dropped and one final newline added. `{{slug|text}}` marks `text` with the
technique whose CLI slug is `slug`; annotations nest, and the markup is removed from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ptc_bench.core.errors import DataError
from ptc_bench.core.techniques import SLUGS, technique_by_slug
from ptc_bench.core.types import Span

_HEADER = re.compile(r"=== article ([0-9]+)")
_OPEN = re.compile(r"\{\{([^|{}\n]*)\|")


@dataclass(frozen=True)
class MarkedArticle:
    """One article parsed from markup: id, plain text, its spans (PTC labels), its header line."""

    id: str
    text: str
    spans: tuple[Span, ...]
    line: int


@dataclass(frozen=True)
class _Open:
    """An annotation whose `}}` has not been seen yet."""

    slug: str
    start: int
    line: int


def parse_markup(source: str, path: Path) -> list[MarkedArticle]:
    """All articles of a markup file; DataError naming file and line for any markup error."""
    articles: list[MarkedArticle] = []
    seen: dict[str, int] = {}
    header: tuple[str, int] | None = None
    body: list[str] = []
    for number, raw_line in enumerate(source.split("\n"), start=1):
        line = raw_line.removesuffix("\r")
        if line.startswith("==="):
            match = _HEADER.fullmatch(line.rstrip())
            if match is None:
                raise DataError(path, number, f"malformed header {line!r}; expected '=== article <digits>'")
            if header is not None:
                articles.append(_parse_article(header, body, path))
            article_id = match.group(1)
            if article_id in seen:
                raise DataError(
                    path, number, f"article {article_id} already defined at line {seen[article_id]}"
                )
            seen[article_id] = number
            header, body = (article_id, number), []
        elif header is not None:
            body.append(line)
        elif line.strip() and not line.startswith("#"):
            raise DataError(path, number, "text before the first '=== article <ID>' header")
    if header is not None:
        articles.append(_parse_article(header, body, path))
    return articles


def _parse_article(header: tuple[str, int], body: list[str], path: Path) -> MarkedArticle:
    """Strip the markup of one article's lines, collecting a Span for every annotation."""
    article_id, header_line = header
    while body and not body[-1].strip():
        body.pop()
    if not body:
        raise DataError(path, header_line, f"article {article_id} has no text")
    text_parts: list[str] = []
    length = 0
    stack: list[_Open] = []
    spans: list[Span] = []
    for index, line in enumerate(body):
        number = header_line + 1 + index
        position = 0
        while position < len(line):
            if line.startswith("{{", position):
                opened = _open_annotation(line, position, path, number)
                stack.append(_Open(opened.group(1), length, number))
                position = opened.end()
            elif line.startswith("}}", position):
                if not stack:
                    raise DataError(path, number, "'}}' without a matching '{{'")
                spans.append(_close_annotation(stack.pop(), length, path, number))
                position += 2
            else:
                next_markup = _next_markup(line, position)
                text_parts.append(line[position:next_markup])
                length += next_markup - position
                position = next_markup
        text_parts.append("\n")
        length += 1
    if stack:
        unclosed = stack[-1]
        raise DataError(path, unclosed.line, f"'{{{{{unclosed.slug}|' is never closed with '}}}}'")
    return MarkedArticle(article_id, "".join(text_parts), tuple(sorted(spans)), header_line)


def _open_annotation(line: str, position: int, path: Path, number: int) -> re.Match[str]:
    """The `{{slug|` at `position`, its slug checked against the technique slugs."""
    opened = _OPEN.match(line, position)
    if opened is None:
        raise DataError(path, number, "'{{' must be followed by a technique slug and '|'")
    slug = opened.group(1)
    if slug not in SLUGS:
        raise DataError(path, number, f"unknown technique slug {slug!r}; expected one of {', '.join(SLUGS)}")
    return opened


def _close_annotation(opened: _Open, end: int, path: Path, number: int) -> Span:
    """The span of an annotation closed at text offset `end`; empty annotations are errors."""
    if end == opened.start:
        raise DataError(path, number, f"empty annotation '{{{{{opened.slug}|}}}}'")
    return Span(opened.start, end, technique_by_slug(opened.slug).label)


def _next_markup(line: str, position: int) -> int:
    """Index of the next `{{` or `}}` at or after `position` (the line's length when none)."""
    candidates = [found for found in (line.find("{{", position), line.find("}}", position)) if found >= 0]
    return min(candidates, default=len(line))
