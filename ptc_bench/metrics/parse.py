"""Parse a raw generation into (phrase, technique) pairs, or a typed error; never raises.

Error codes: `empty`, `no_json`, `invalid_json`, `schema_error`, `truncated`, `unknown_technique`.
Lenient mode (default) also reads single quotes, trailing commas and unescaped inner quotes, and
recovers the pairs completed before a cut by the token limit; strict mode wants standard JSON.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ptc_bench.metrics.aliases import normalize_technique
from ptc_bench.metrics.answer_shape import RawPair, ShapeError, classification_value, raw_pairs
from ptc_bench.metrics.json_extract import Extraction, extract_json

ERROR_CODES: tuple[str, ...] = (
    "empty",
    "no_json",
    "invalid_json",
    "schema_error",
    "truncated",
    "unknown_technique",
)
_BARE_LABEL_STRIP = re.compile(r"^[\s`\"'*]+|[\s`\"'*.!]+$")
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ParsedPair:
    """One answer item: the phrase as the model wrote it and the technique as a label of the task."""

    phrase: str
    technique: str


@dataclass(frozen=True)
class ParseResult:
    """Pairs read from a generation; `error` is one of ERROR_CODES or None, `notes` list repairs."""

    pairs: tuple[ParsedPair, ...]
    error: str | None
    message: str
    truncated: bool
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the generation was a valid answer (possibly recovered from a truncation)."""
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        """The record written to samples.jsonl."""
        return {
            "ok": self.ok,
            "error": self.error,
            "message": self.message,
            "truncated": self.truncated,
            "notes": list(self.notes),
            "pairs": [[pair.phrase, pair.technique] for pair in self.pairs],
        }


def parse_generation(raw: str, labels: Sequence[str], *, lenient: bool = True) -> ParseResult:
    """The phrase answer in `raw` with techniques normalised to `labels`; a typed error otherwise."""
    try:
        return _parse_generation(raw, labels, lenient)
    except Exception as error:  # the contract: never raise on model output
        return _failure("invalid_json", f"the parser failed on this text: {error!r}")


def parse_classification(raw: str, labels: Sequence[str], *, lenient: bool = True) -> ParseResult:
    """A TC answer `{"technique": LABEL}` (lenient: also a bare label) as one pair with phrase ""."""
    try:
        return _parse_classification(raw, labels, lenient)
    except Exception as error:  # the contract: never raise on model output
        return _failure("invalid_json", f"the parser failed on this text: {error!r}")


def _parse_generation(raw: str, labels: Sequence[str], lenient: bool) -> ParseResult:
    extraction = _extract(raw, lenient)
    if isinstance(extraction, ParseResult):
        return extraction
    notes = list(extraction.notes)
    truncated = extraction.status == "truncated"
    try:
        items = raw_pairs(extraction.value)
    except ShapeError as error:
        return _failure("schema_error", str(error), truncated, notes)
    if truncated and not items:
        return _failure("truncated", "the answer was cut off before its first complete pair", True, notes)
    if truncated:
        notes.append(f"truncated: kept the {len(items)} complete pair(s) before the cut")
    pairs, unknown = _normalise(items, labels, notes)
    if unknown:
        names = ", ".join(repr(name) for name in dict.fromkeys(unknown))
        message = f"unknown technique(s) {names}; expected one of: {', '.join(labels)}"
        return ParseResult(tuple(pairs), "unknown_technique", message, truncated, tuple(notes))
    return ParseResult(tuple(pairs), None, "", truncated, tuple(notes))


def _parse_classification(raw: str, labels: Sequence[str], lenient: bool) -> ParseResult:
    extraction = _extract(raw, lenient)
    if isinstance(extraction, ParseResult):
        bare = _BARE_LABEL_STRIP.sub("", raw) if lenient and extraction.error == "no_json" else ""
        label = normalize_technique(bare, labels) if bare else None
        if label is None:
            return extraction
        return ParseResult((ParsedPair("", label),), None, "", False, ("bare label without JSON",))
    notes = list(extraction.notes)
    if extraction.status == "truncated":
        return _failure("truncated", "the answer was cut off before its end", True, notes)
    try:
        name = classification_value(extraction.value)
    except ShapeError as error:
        return _failure("schema_error", str(error), False, notes)
    label = normalize_technique(name, labels)
    if label is None:
        message = f"unknown technique {name!r}; expected one of: {', '.join(labels)}"
        return _failure("unknown_technique", message, False, notes)
    return ParseResult((ParsedPair("", label),), None, "", False, tuple(notes))


def _extract(raw: str, lenient: bool) -> Extraction | ParseResult:
    """The extraction, or the ParseResult of a generation with no usable JSON."""
    if not raw.strip():
        return _failure("empty", "the generation is empty")
    extraction = extract_json(raw, lenient=lenient)
    if extraction.status == "none":
        return _failure("no_json", extraction.message, False, extraction.notes)
    if extraction.status == "invalid":
        return _failure("invalid_json", extraction.message, False, extraction.notes)
    if extraction.status == "truncated" and not lenient:
        return _failure("truncated", extraction.message, True, extraction.notes)
    return extraction


def _normalise(
    items: Sequence[RawPair], labels: Sequence[str], notes: list[str]
) -> tuple[list[ParsedPair], list[str]]:
    """Pairs with techniques mapped to `labels`; the names that map to none; notes on drops."""
    pairs: list[ParsedPair] = []
    unknown: list[str] = []
    empty = 0
    for phrase, name in items:
        label = normalize_technique(name, labels)
        if label is None:
            unknown.append(name)
        elif not phrase.strip():
            empty += 1
        else:
            pairs.append(ParsedPair(_SURROGATES.sub("\ufffd", phrase), label))
    if empty:
        notes.append(f"dropped {empty} empty phrase(s)")
    repeats = sum(count - 1 for count in Counter(pairs).values())
    if repeats:
        notes.append(f"{repeats} repeated pair(s) kept")
    return pairs, unknown


def _failure(code: str, message: str, truncated: bool = False, notes: Sequence[str] = ()) -> ParseResult:
    return ParseResult((), code, message, truncated, tuple(notes))
