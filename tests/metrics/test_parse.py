"""Parser: the hand-written golden corpus, lenient vs strict, and never-raises property tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptc_bench.core.techniques import LABELS
from ptc_bench.metrics.parse import (
    ERROR_CODES,
    ParsedPair,
    ParseResult,
    _parse_classification,
    _parse_generation,
    parse_classification,
    parse_generation,
)

GOLDEN = Path(__file__).parent / "golden" / "generations.jsonl"


def _golden_cases() -> list[dict[str, Any]]:
    with GOLDEN.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_golden_corpus_is_large_and_covers_every_error_code() -> None:
    cases = _golden_cases()
    assert len(cases) >= 60
    assert len({case["id"] for case in cases}) == len(cases)
    assert {case["expected"]["error"] for case in cases} == {None, *ERROR_CODES}


@pytest.mark.parametrize("case", _golden_cases(), ids=lambda case: case["id"])
def test_golden_generation(case: dict[str, Any]) -> None:
    labels = LABELS if case["labels"] == "all" else tuple(case["labels"])
    parse = parse_classification if case.get("parser") == "classification" else parse_generation
    result = parse(case["raw"], labels, lenient=case["lenient"])
    expected = case["expected"]
    assert (result.ok, result.error, result.truncated) == (
        expected["ok"],
        expected["error"],
        expected["truncated"],
    )
    assert [[pair.phrase, pair.technique] for pair in result.pairs] == expected["pairs"]
    assert bool(result.message) == (result.error is not None)
    for fragment in expected.get("notes_contain", []):
        assert any(fragment in note for note in result.notes), (fragment, result.notes)


def test_to_json_has_the_samples_log_fields() -> None:
    result = parse_generation('{"a": "Loaded_Language", "b": "Loaded_Lang', ["Loaded_Language"])
    assert result.to_json() == {
        "ok": True,
        "error": None,
        "message": "",
        "truncated": True,
        "notes": ["truncated: kept the 1 complete pair(s) before the cut"],
        "pairs": [["a", "Loaded_Language"]],
    }
    json.dumps(result.to_json())


def test_unknown_technique_message_lists_the_names_once() -> None:
    result = parse_generation('{"a": "Foo", "b": "Foo", "c": "Bar", "d": "Doubt"}', LABELS)
    assert result.error == "unknown_technique"
    assert result.pairs == (ParsedPair("d", "Doubt"),)
    assert "'Foo', 'Bar'" in result.message


def test_schema_error_names_the_offending_pair() -> None:
    result = parse_generation('{"ok": "Doubt", "bad": 3}', LABELS)
    assert result.error == "schema_error"
    assert "'bad'" in result.message
    assert result.pairs == ()


def test_lenient_repairs_are_noted() -> None:
    result = parse_generation("{'a': 'Doubt',}", LABELS)
    assert result.ok
    assert "single-quoted strings" in result.notes
    assert "trailing comma" in result.notes


def test_strict_message_says_why_lenient_json_is_rejected() -> None:
    result = parse_generation("{'a': 'Doubt'}", LABELS, lenient=False)
    assert result.error == "invalid_json"
    assert "single-quoted strings" in result.message


def test_classification_pair_has_an_empty_phrase() -> None:
    assert parse_classification('{"technique": "Repetition"}', LABELS).pairs == (
        ParsedPair("", "Repetition"),
    )


def test_parse_result_ok_follows_error() -> None:
    assert ParseResult((), None, "", False).ok
    assert not ParseResult((), "empty", "x", False).ok


# --- properties -------------------------------------------------------------------------------

_JSONISH = st.lists(
    st.sampled_from(
        [
            "{",
            "}",
            "[",
            "]",
            '"',
            "'",
            ":",
            ",",
            " ",
            "\n",
            "\\",
            "```",
            "### Output:",
            "Doubt",
            "a",
            "é",
            "\\u00e9",
            "\\ud83d",
            "true",
            "1",
            "-",
            "phrase",
            "technique",
        ]
    ),
    max_size=40,
).map("".join)

_PAIRS = st.lists(
    st.tuples(st.text(min_size=1, max_size=20).filter(str.strip), st.sampled_from(LABELS)),
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=200), _JSONISH))
def test_parser_never_raises_on_any_text(raw: str) -> None:
    for lenient in (True, False):
        result = _parse_generation(raw, LABELS, lenient)
        assert result.error in (None, *ERROR_CODES)
        assert all(pair.technique in LABELS for pair in result.pairs)
        classification = _parse_classification(raw, LABELS, lenient)
        assert classification.error in (None, *ERROR_CODES)


@settings(max_examples=200, deadline=None)
@given(_PAIRS)
def test_object_answers_round_trip_with_duplicates(pairs: list[tuple[str, str]]) -> None:
    raw = "{" + ", ".join(f"{json.dumps(p, ensure_ascii=False)}: {json.dumps(t)}" for p, t in pairs) + "}"
    for lenient in (True, False):
        result = _parse_generation(raw, LABELS, lenient)
        assert result.ok and not result.truncated
        assert [(pair.phrase, pair.technique) for pair in result.pairs] == pairs


@settings(max_examples=200, deadline=None)
@given(_PAIRS, st.data())
def test_truncated_answers_keep_a_prefix_of_the_pairs(
    pairs: list[tuple[str, str]], data: st.DataObject
) -> None:
    raw = "{" + ", ".join(f"{json.dumps(p)}: {json.dumps(t)}" for p, t in pairs) + "}"
    cut = data.draw(st.integers(min_value=1, max_value=len(raw) - 1)) if len(raw) > 2 else 1
    result = _parse_generation(raw[:cut], LABELS, True)
    got = [(pair.phrase, pair.technique) for pair in result.pairs]
    assert got == pairs[: len(got)]
    assert result.truncated
    assert result.ok == bool(got)
    assert result.error in (None, "truncated")
