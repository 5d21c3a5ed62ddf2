"""The answer format, defined once for the prompts (`tasks/`), the parser (`metrics/`) and
constrained decoding: the JSON schemas of an answer, their dialect, and the one value a
technique-agnostic answer gives every phrase."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

SI_VALUE = "propaganda"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def phrase_schema(
    labels: Sequence[str] | None, shape: Literal["object", "array"] = "object"
) -> dict[str, Any]:
    """JSON schema of a phrase answer: object phrase -> technique, or array of {phrase, technique}.

    Phrases are non-empty (an empty phrase aligns to no span). `labels` None allows any technique
    string: the parser checks the shape before it maps technique names to labels.
    """
    technique = _technique(labels)
    if shape == "object":
        return {
            "$schema": SCHEMA_DIALECT,
            "type": "object",
            "propertyNames": {"type": "string", "minLength": 1},
            "additionalProperties": technique,
        }
    if shape == "array":
        return {
            "$schema": SCHEMA_DIALECT,
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"phrase": {"type": "string", "minLength": 1}, "technique": technique},
                "required": ["phrase", "technique"],
                "additionalProperties": False,
            },
        }
    raise ValueError(f"unknown answer shape {shape!r}; expected 'object' or 'array'")


def classification_schema(labels: Sequence[str] | None) -> dict[str, Any]:
    """JSON schema of a technique-classification answer `{"technique": LABEL}`; `labels` as above."""
    return {
        "$schema": SCHEMA_DIALECT,
        "type": "object",
        "properties": {"technique": _technique(labels)},
        "required": ["technique"],
        "additionalProperties": False,
    }


def _technique(labels: Sequence[str] | None) -> dict[str, Any]:
    technique: dict[str, Any] = {"type": "string"}
    if labels is not None:
        technique["enum"] = list(labels)
    return technique
