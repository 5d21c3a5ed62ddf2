"""Per-sample records: everything behind one window's numbers, written to samples.jsonl."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.hashing import sha256_text
from core.types import Span


def text_hash(text: str) -> str:
    """Short stable hash of a prompt or completion (sha256, 16 hex digits)."""
    return sha256_text(text, 16)


def spans_to_rows(spans: tuple[Span, ...]) -> list[list[Any]]:
    """Spans as JSON rows `[start, end, technique]`."""
    return [[span.start, span.end, span.technique] for span in spans]


@dataclass(frozen=True)
class SampleRecord:
    """One (system, window) evaluation: the raw completion, its parse, its spans and counts."""

    system: str
    article_id: str
    window_index: int
    window_offset: int
    prompt_hash: str
    completion: str
    parse: dict[str, Any]
    spans: tuple[Span, ...]
    unaligned: tuple[tuple[str, str], ...]
    gold: tuple[Span, ...]

    @property
    def completion_hash(self) -> str:
        """Hash of the raw completion, for joining logs across runs."""
        return text_hash(self.completion)

    def to_json(self) -> dict[str, Any]:
        """The samples.jsonl object (field names fixed by the run-folder format)."""
        return {
            "system": self.system,
            "article_id": self.article_id,
            "window_index": self.window_index,
            "window_offset": self.window_offset,
            "prompt_hash": self.prompt_hash,
            "completion_hash": self.completion_hash,
            "completion": self.completion,
            "parse": self.parse,
            "spans": spans_to_rows(self.spans),
            "unaligned": [list(pair) for pair in self.unaligned],
            "gold": spans_to_rows(self.gold),
            "counts": {
                "n_pred": len(self.spans),
                "n_gold": len(self.gold),
                "n_unaligned": len(self.unaligned),
            },
        }
