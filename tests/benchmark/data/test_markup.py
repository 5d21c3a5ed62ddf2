"""The sample corpus markup parser: text extraction, nested and doubled annotations, errors by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptc_bench.benchmark.data.markup import parse_markup
from ptc_bench.core.errors import DataError
from ptc_bench.core.types import Span

PATH = Path("train.ptcmd")


def test_plain_articles_comments_and_trailing_blank_lines() -> None:
    source = "# a comment\n\n=== article 700001\nTitle\n\nBody line.\n\n\n=== article 700002\nSecond.\n"
    first, second = parse_markup(source, PATH)
    assert (first.id, first.text, first.spans, first.line) == ("700001", "Title\n\nBody line.\n", (), 3)
    assert (second.id, second.text, second.line) == ("700002", "Second.\n", 9)


def test_annotation_span_covers_the_plain_text() -> None:
    (article,) = parse_markup("=== article 1\nThey are {{name-calling|thugs}}.\n", PATH)
    assert article.text == "They are thugs.\n"
    assert article.spans == (Span(9, 14, "Name_Calling,Labeling"),)


def test_nested_annotations() -> None:
    source = "=== article 1\nA {{loaded-language|a {{name-calling|vile}} plan}} now\n"
    (article,) = parse_markup(source, PATH)
    assert article.text == "A a vile plan now\n"
    assert article.spans == (Span(2, 13, "Loaded_Language"), Span(4, 8, "Name_Calling,Labeling"))
    assert [s.covered_text(article.text) for s in article.spans] == ["a vile plan", "vile"]


def test_same_text_with_two_techniques_gives_two_equal_ranges() -> None:
    (article,) = parse_markup("=== article 1\n{{slogans|{{flag-waving|Make it great}}}}!\n", PATH)
    assert article.text == "Make it great!\n"
    assert article.spans == (Span(0, 13, "Flag-Waving"), Span(0, 13, "Slogans"))


def test_annotation_across_lines_and_later_lines_offsets() -> None:
    source = "=== article 1\nTitle\n{{doubt|Is it\ntrue}}? {{slogans|Yes}}\n"
    (article,) = parse_markup(source, PATH)
    assert article.text == "Title\nIs it\ntrue? Yes\n"
    assert [s.covered_text(article.text) for s in article.spans] == ["Is it\ntrue", "Yes"]


def test_single_braces_are_plain_text() -> None:
    (article,) = parse_markup("=== article 1\na {b} {{doubt|c}}}\n", PATH)
    assert article.text == "a {b} c}\n"
    assert article.spans == (Span(6, 7, "Doubt"),)


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("=== article 1\nok\nsome }} here\n", 3, "'}}' without a matching '{{'"),
        ("=== article 1\nok\n{{doubt|never closed\n\n=== article 2\nx\n", 3, "is never closed"),
        ("=== article 1\n\nx {{propaganda|y}}\n", 3, "unknown technique slug 'propaganda'"),
        ("=== article 1\nx {{doubt y}}\n", 2, "must be followed by a technique slug and '|'"),
        ("=== article 1\nx {{doubt|{{slogans|}}}}\n", 2, "empty annotation"),
        ("=== article 1\nx\n=== article one\n", 3, "malformed header"),
        ("stray text\n=== article 1\nx\n", 1, "text before the first"),
        ("=== article 1\nx\n=== article 1\ny\n", 3, "article 1 already defined at line 1"),
        ("=== article 1\n\n\n=== article 2\ny\n", 1, "article 1 has no text"),
    ],
)
def test_markup_errors_name_file_and_line(source: str, line: int, message: str) -> None:
    with pytest.raises(DataError, match=message) as caught:
        parse_markup(source, PATH)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"train.ptcmd:{line}: ")
