"""Target answers built from gold spans, in the format of `core.answer_format`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ptc_bench.core.answer_format import SI_VALUE
from ptc_bench.core.types import Span


def format_answer(pairs: Sequence[tuple[str, str]]) -> str:
    """The object form `{"phrase": "technique", ...}` in the given order; duplicate keys are kept.

    Keys and values are encoded one by one with `json.dumps` (non-ASCII kept as is, so the model
    copies the text's characters rather than escape codes); `{}` when there are no pairs.
    """
    items = (f"{_dump(phrase)}: {_dump(technique)}" for phrase, technique in pairs)
    return "{" + ", ".join(items) + "}"


def format_classification(label: str) -> str:
    """The technique-classification answer `{"technique": LABEL}`."""
    return "{" + f"{_dump('technique')}: {_dump(label)}" + "}"


def target_pairs(
    text: str,
    gold: Sequence[Span],
    gold_labels: tuple[str, ...] | None,
    *,
    technique_agnostic: bool = False,
) -> list[tuple[str, str]]:
    """(phrase, technique) pairs for the gold spans that count, in text order, each pair once.

    `gold` is in `text`'s offsets. `gold_labels` None keeps every span; a technique-agnostic target
    (span identification) uses the value "propaganda" for every phrase.
    """
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for span in sorted(gold, key=lambda s: (s.start, s.end, s.technique or "")):
        if span.end > len(text):
            raise ValueError(f"gold span [{span.start}, {span.end}) runs past the text ({len(text)} chars)")
        if gold_labels is not None and span.technique not in gold_labels:
            continue
        if technique_agnostic:
            value = SI_VALUE
        elif span.technique is None:
            raise ValueError(f"gold span [{span.start}, {span.end}) has no technique")
        else:
            value = span.technique
        pair = (span.covered_text(text), value)
        if pair not in seen:
            seen.add(pair)
            pairs.append(pair)
    return pairs


def _dump(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
