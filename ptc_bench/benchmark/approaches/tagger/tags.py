"""BIO tags with one layer per technique: gold spans -> token tags -> character spans.

PTC spans of different techniques overlap (a loaded-language phrase inside a name-calling one), so
one BIO sequence cannot hold them. The tagger has one BIO layer per technique in scope (one layer
named `span` for span identification): a head of 3 x layers outputs, a softmax per layer. Spans of
the same technique that overlap merge into one tagged run; that loss, and spans that start or end
inside a token, are what the tagger's oracle (gold -> tags -> spans) measures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ptc_bench.core.types import Span

OUTSIDE, BEGIN, INSIDE = 0, 1, 2
IGNORE = -100  # no loss: special tokens and padding
TAG_NAMES = ("O", "B", "I")
SPAN_LAYER = "span"


@dataclass(frozen=True)
class TagScheme:
    """The BIO layers of a task: technique labels, or the single technique-free `span` layer."""

    layers: tuple[str, ...]

    @property
    def technique_agnostic(self) -> bool:
        """True for span identification (predicted spans carry no technique)."""
        return self.layers == (SPAN_LAYER,)

    @property
    def num_labels(self) -> int:
        """Outputs of the classification head: O, B, I for every layer."""
        return len(TAG_NAMES) * len(self.layers)

    def id2label(self) -> dict[int, str]:
        """Head output index -> `tag-layer`, layer-major (written into the model config)."""
        return {
            layer_index * len(TAG_NAMES) + tag_index: f"{tag}-{layer}"
            for layer_index, layer in enumerate(self.layers)
            for tag_index, tag in enumerate(TAG_NAMES)
        }

    def layer_of(self, span: Span) -> int | None:
        """The layer a gold span is tagged in (None: the technique is not in scope)."""
        if self.technique_agnostic:
            return 0
        return self.layers.index(span.technique) if span.technique in self.layers else None

    def technique(self, layer: int) -> str | None:
        """The technique a predicted span of `layer` carries (None for span identification)."""
        return None if self.technique_agnostic else self.layers[layer]


@dataclass(frozen=True)
class Chunk:
    """One model input of a window: token ids and each token's character range (None: special)."""

    input_ids: tuple[int, ...]
    offsets: tuple[tuple[int, int] | None, ...]
    extra: tuple[tuple[str, tuple[int, ...]], ...] = ()  # other tokenizer outputs, e.g. token_type_ids

    def features(self) -> dict[str, list[int]]:
        """The model's inputs for this chunk (no padding, no labels)."""
        return {"input_ids": list(self.input_ids), **{name: list(values) for name, values in self.extra}}


def chunk_text(tokenizer: Any, text: str, *, max_length: int, stride: int = 32) -> list[Chunk]:
    """The text's tokens in chunks of `max_length` (special tokens included), overlapping by `stride`."""
    encoding = tokenizer(
        text,
        truncation=True,
        max_length=max_length,
        stride=min(stride, max_length // 4),
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    chunks = []
    for index, ids in enumerate(encoding["input_ids"]):
        sequence = encoding.sequence_ids(index)
        offsets = tuple(
            (int(start), int(end)) if sequence[position] is not None and end > start else None
            for position, (start, end) in enumerate(encoding["offset_mapping"][index])
        )
        extra = tuple(
            (name, tuple(encoding[name][index])) for name in ("token_type_ids",) if name in encoding
        )
        chunks.append(Chunk(tuple(ids), offsets, extra))
    return chunks


def gold_tags(chunk: Chunk, spans: Sequence[Span], scheme: TagScheme) -> list[list[int]]:
    """Per token, one tag per layer: B on the first token a span touches, I on the rest, O elsewhere.

    Special tokens get IGNORE. A span whose first token is already tagged (an overlap of the same
    technique) continues the run it overlaps.
    """
    tags = [
        [IGNORE] * len(scheme.layers) if offset is None else [OUTSIDE] * len(scheme.layers)
        for offset in chunk.offsets
    ]
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        layer = scheme.layer_of(span)
        if layer is None:
            continue
        touched = [
            position
            for position, offset in enumerate(chunk.offsets)
            if offset is not None and offset[0] < span.end and span.start < offset[1]
        ]
        for rank, position in enumerate(touched):
            if tags[position][layer] == OUTSIDE:
                tags[position][layer] = BEGIN if rank == 0 else INSIDE
    return tags


def decode_tags(chunk: Chunk, tags: Sequence[Sequence[int]], text: str, scheme: TagScheme) -> list[Span]:
    """Character spans of `text` from per-token tags (seqeval's BIO reading: I after O starts a span).

    A span runs from its first token's start to its last token's end, trimmed of whitespace (a
    byte-level token carries the space before its word).
    """
    from seqeval.metrics.sequence_labeling import get_entities

    positions = [p for p, offset in enumerate(chunk.offsets) if offset is not None]
    spans: list[Span] = []
    for layer in range(len(scheme.layers)):
        labels = [_bio_label(tags[p][layer]) for p in positions]
        for _type, first, last in get_entities(labels):
            start = chunk.offsets[positions[first]][0]
            end = chunk.offsets[positions[last]][1]
            span = _trimmed(text, start, end, scheme.technique(layer))
            if span is not None:
                spans.append(span)
    return spans


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Overlapping spans of the same technique joined (chunks overlap by their stride)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.technique or "", s.start, s.end)):
        last = merged[-1] if merged else None
        if last is not None and last.technique == span.technique and span.start < last.end:
            merged[-1] = Span(last.start, max(last.end, span.end), last.technique)
        else:
            merged.append(span)
    return sorted(merged, key=lambda s: (s.start, s.end, s.technique or ""))


def _bio_label(tag: int) -> str:
    return "B-x" if tag == BEGIN else "I-x" if tag == INSIDE else "O"


def _trimmed(text: str, start: int, end: int, technique: str | None) -> Span | None:
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return Span(start, end, technique) if end > start else None
