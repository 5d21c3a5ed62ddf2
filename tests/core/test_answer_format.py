"""One answer format: constrained decoding and the parser get the same schema from core."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Literal

import pytest

from ptc_bench.core.answer_format import SCHEMA_DIALECT, SI_VALUE, classification_schema, phrase_schema
from ptc_bench.metrics.answer_shape import VALIDATORS
from ptc_bench.metrics.parse import parse_generation
from ptc_bench.tasks import list_tasks

REPO = Path(__file__).resolve().parents[2]
Shape = Literal["object", "array"]
SHAPES: tuple[Shape, ...] = ("object", "array")


def _without_enum(schema: Any) -> Any:
    """The schema with every technique `enum` removed: the parser's view, before names are mapped."""
    if isinstance(schema, dict):
        return {key: _without_enum(value) for key, value in schema.items() if key != "enum"}
    if isinstance(schema, list):
        return [_without_enum(item) for item in schema]
    return schema


@pytest.mark.parametrize("shape", SHAPES)
def test_parser_and_constrained_decoding_get_the_identical_phrase_schema(shape: Shape) -> None:
    parser = VALIDATORS[shape].schema
    assert parser == phrase_schema(None, shape)
    for task in list_tasks():
        if task.one_prompt_per_span:
            continue
        constrained = task.output_schema(shape)  # what runner.py passes to generate
        assert constrained == phrase_schema(task.labels, shape)
        assert _without_enum(constrained) == parser


def test_parser_and_constrained_decoding_get_the_identical_classification_schema() -> None:
    task = next(task for task in list_tasks() if task.one_prompt_per_span)
    assert task.output_schema() == classification_schema(task.labels)
    assert _without_enum(task.output_schema()) == VALIDATORS["classification"].schema


def test_the_dialect_and_the_output_vocabulary_are_literals_in_core_answer_format_only() -> None:
    found = [
        f"{path.relative_to(REPO / 'ptc_bench').as_posix()}:{node.lineno}"
        for package in ("core", "metrics", "tasks", "reports", "benchmark")
        for path in sorted((REPO / "ptc_bench" / package).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in (SCHEMA_DIALECT, SI_VALUE)
    ]
    assert found == ["core/answer_format.py:10", "core/answer_format.py:11"]


def test_the_parser_still_drops_an_empty_phrase_the_schema_forbids() -> None:
    result = parse_generation('{"": "Loaded_Language", "evil": "Loaded_Language"}', ["Loaded_Language"])
    assert result.ok
    assert [(pair.phrase, pair.technique) for pair in result.pairs] == [("evil", "Loaded_Language")]
    array = parse_generation('[{"phrase": "", "technique": "Doubt"}]', ["Doubt"])
    assert array.ok and array.pairs == ()
    assert parse_generation('{"": 5}', ["Doubt"]).error == "schema_error"
