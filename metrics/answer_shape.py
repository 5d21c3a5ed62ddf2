"""The answer's JSON schema and the check that a parsed value has that shape.

Schemas have the same shape as the tasks' ones (built here so metrics/ does not need tasks/).
Values are checked with jsonschema before technique names are normalised, so the technique is any
string at that point; the alias table decides afterwards whether it names a label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from jsonschema import Draft202012Validator

from metrics.json_lenient import JsonObject, JsonValue

RawPair = tuple[str, str]
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class ShapeError(ValueError):
    """The value is JSON but not an answer of the expected shape."""


def answer_schema(
    labels: Sequence[str] | None, shape: Literal["object", "array"] = "object"
) -> dict[str, Any]:
    """Schema of a phrase answer; `labels` None allows any technique string."""
    technique: dict[str, Any] = {"type": "string"}
    if labels is not None:
        technique["enum"] = list(labels)
    if shape == "object":
        return {
            "$schema": SCHEMA_DIALECT,
            "type": "object",
            "propertyNames": {"type": "string"},
            "additionalProperties": technique,
        }
    return {
        "$schema": SCHEMA_DIALECT,
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"phrase": {"type": "string"}, "technique": technique},
            "required": ["phrase", "technique"],
            "additionalProperties": False,
        },
    }


def classification_schema(labels: Sequence[str] | None) -> dict[str, Any]:
    """Schema of a technique-classification answer `{"technique": LABEL}`."""
    technique: dict[str, Any] = {"type": "string"}
    if labels is not None:
        technique["enum"] = list(labels)
    return {
        "$schema": SCHEMA_DIALECT,
        "type": "object",
        "properties": {"technique": technique},
        "required": ["technique"],
        "additionalProperties": False,
    }


_OBJECT_ITEM = Draft202012Validator(answer_schema(None, "object"))
_ARRAY = Draft202012Validator(answer_schema(None, "array"))
_CLASSIFICATION = Draft202012Validator(classification_schema(None))


def raw_pairs(value: JsonValue) -> list[RawPair]:
    """(phrase, technique name) pairs of an object or array answer; ShapeError when malformed.

    Each pair of an object is checked on its own, so a duplicate key cannot hide a bad value.
    """
    if isinstance(value, JsonObject):
        for key, item in value.pairs:
            _check(_OBJECT_ITEM, {key: _plain(item)}, f"the value for {key!r}", with_path=False)
        return [(key, item) for key, item in value.pairs if isinstance(item, str)]
    if isinstance(value, list):
        plain = [_unique_keys(item, f"item {index}") for index, item in enumerate(value)]
        _check(_ARRAY, plain, "the answer")
        return [(item["phrase"], item["technique"]) for item in plain]
    raise ShapeError(f"the answer is a {type(value).__name__}, not a JSON object or array")


def classification_value(value: JsonValue) -> str:
    """The technique name of `{"technique": NAME}`; ShapeError when malformed."""
    _check(_CLASSIFICATION, _unique_keys(value, "the answer"), "the answer")
    assert isinstance(value, JsonObject)
    name = value.pairs[0][1]
    assert isinstance(name, str)
    return name


def _check(validator: Draft202012Validator, instance: Any, where: str, *, with_path: bool = True) -> None:
    errors = sorted(
        validator.iter_errors(instance), key=lambda error: [str(part) for part in error.absolute_path]
    )
    if errors:
        error = errors[0]
        path = "".join(f"[{part!r}]" for part in error.absolute_path) if with_path else ""
        raise ShapeError(f"{where}{path}: {_short(error.message)}")


def _unique_keys(item: JsonValue, where: str) -> Any:
    """A JSON object as a dict (ShapeError on a repeated key); other values as plain Python."""
    if isinstance(item, JsonObject):
        keys = [key for key, _ in item.pairs]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ShapeError(f"{where} repeats the key {repeated[0]!r}")
    return _plain(item)


def _plain(value: JsonValue) -> Any:
    if isinstance(value, JsonObject):
        return {key: _plain(item) for key, item in value.pairs}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"
