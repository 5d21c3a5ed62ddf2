"""The check that a parsed value is an answer of the format in `core.answer_format`.

Values are checked against its schemas with `labels` None, before technique names are normalised,
so the technique is any string at that point; the alias table decides afterwards whether it names a
label. One violation is let through: an empty phrase, which the parser drops with a note.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from ptc_bench.core.answer_format import classification_schema, phrase_schema
from ptc_bench.metrics.json_lenient import JsonObject, JsonValue

RawPair = tuple[str, str]


class ShapeError(ValueError):
    """The value is JSON but not an answer of the expected shape."""


VALIDATORS: dict[str, Draft202012Validator] = {
    "object": Draft202012Validator(phrase_schema(None, "object")),
    "array": Draft202012Validator(phrase_schema(None, "array")),
    "classification": Draft202012Validator(classification_schema(None)),
}


def raw_pairs(value: JsonValue) -> list[RawPair]:
    """(phrase, technique name) pairs of an object or array answer; ShapeError when malformed.

    Each pair of an object is checked on its own, so a duplicate key cannot hide a bad value.
    """
    if isinstance(value, JsonObject):
        for key, item in value.pairs:
            _check(VALIDATORS["object"], {key: _plain(item)}, f"the value for {key!r}", with_path=False)
        return [(key, item) for key, item in value.pairs if isinstance(item, str)]
    if isinstance(value, list):
        plain = [_unique_keys(item, f"item {index}") for index, item in enumerate(value)]
        _check(VALIDATORS["array"], plain, "the answer")
        return [(item["phrase"], item["technique"]) for item in plain]
    raise ShapeError(f"the answer is a {type(value).__name__}, not a JSON object or array")


def classification_value(value: JsonValue) -> str:
    """The technique name of `{"technique": NAME}`; ShapeError when malformed."""
    _check(VALIDATORS["classification"], _unique_keys(value, "the answer"), "the answer")
    assert isinstance(value, JsonObject)
    name = value.pairs[0][1]
    assert isinstance(name, str)
    return name


def _check(validator: Draft202012Validator, instance: Any, where: str, *, with_path: bool = True) -> None:
    errors = sorted(
        (error for error in validator.iter_errors(instance) if not _empty_phrase(error)),
        key=lambda error: [str(part) for part in error.absolute_path],
    )
    if errors:
        error = errors[0]
        path = "".join(f"[{part!r}]" for part in error.absolute_path) if with_path else ""
        raise ShapeError(f"{where}{path}: {_short(error.message)}")


def _empty_phrase(error: ValidationError) -> bool:
    """True for the schema's one complaint the parser tolerates: a phrase that is the empty string."""
    return error.validator == "minLength" and error.instance == ""


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
