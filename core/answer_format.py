"""The answer format, defined once for the prompts (`tasks/`), the parser (`metrics/`) and
constrained decoding: the JSON schemas of an answer, their dialect, and the one value a
technique-agnostic answer gives every phrase."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

SI_VALUE = "propaganda"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def phrase_schema(labels: Sequence[str], shape: Literal["object", "array"] = "object") -> dict[str, Any]:
    """JSON schema of a phrase answer: object phrase -> technique, or array of {phrase, technique}."""
    technique = {"type": "string", "enum": list(labels)}
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


def classification_schema(labels: Sequence[str]) -> dict[str, Any]:
    """JSON schema of a technique-classification answer `{"technique": LABEL}`."""
    return {
        "$schema": SCHEMA_DIALECT,
        "type": "object",
        "properties": {"technique": {"type": "string", "enum": list(labels)}},
        "required": ["technique"],
        "additionalProperties": False,
    }
