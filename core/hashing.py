"""Stable content hashes: run ids, data hashes and cache keys must not change between processes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from core.types import SplitData

HASH_CHARS = 12


def stable_hash(value: Any) -> str:
    """sha256 of the canonical JSON of `value` (sorted keys), 64 hex digits."""
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def split_hash(split: SplitData) -> str:
    """Hash of a split's articles and gold spans: two runs on different data never share it."""
    digest = hashlib.sha256(split.name.encode("utf-8"))
    for article_id in sorted(split.articles):
        digest.update(article_id.encode("utf-8") + b"\0")
        digest.update(split.articles[article_id].text.encode("utf-8") + b"\0")
        if split.spans is not None:
            for span in sorted(
                split.spans.get(article_id, ()), key=lambda s: (s.start, s.end, s.technique or "")
            ):
                digest.update(f"{span.start}:{span.end}:{span.technique}\n".encode())
    return digest.hexdigest()


def short_hash(value: str) -> str:
    """The prefix of a hash shown in tables (the same in every format)."""
    return value[:HASH_CHARS]
