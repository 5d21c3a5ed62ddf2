"""Stable content hashes: run ids, data hashes and cache keys must not change between processes.

The only place sha256 is computed; `length` truncates a hex digest where a short key is enough.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Protocol

from ptc_bench.core.types import SplitData

HASH_CHARS = 12


class Digest(Protocol):
    """An incremental sha256 (what `new_digest` returns)."""

    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...

    def hexdigest(self) -> str: ...


def new_digest(data: bytes = b"") -> Digest:
    """An incremental sha256, for content fed piece by piece (files, corpora, models)."""
    return hashlib.sha256(data)


def _truncated(hex_digest: str, length: int | None) -> str:
    return hex_digest if length is None else hex_digest[:length]


def sha256_bytes(data: bytes, length: int | None = None) -> str:
    """Hex sha256 of bytes (64 digits, or the first `length`)."""
    return _truncated(hashlib.sha256(data).hexdigest(), length)


def sha256_text(text: str, length: int | None = None) -> str:
    """Hex sha256 of a UTF-8 string (64 digits, or the first `length`)."""
    return sha256_bytes(text.encode("utf-8"), length)


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = new_digest()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stable_hash(value: Any, length: int | None = None, *, ensure_ascii: bool = False) -> str:
    """sha256 of the canonical JSON of `value` (sorted keys), 64 hex digits or the first `length`."""
    blob = json.dumps(value, sort_keys=True, ensure_ascii=ensure_ascii, default=str)
    return sha256_text(blob, length)


def stable_int(text: str, n_bytes: int) -> int:
    """The first `n_bytes` of the sha256 of `text` as a big-endian integer (a seed, a sort key)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:n_bytes], "big")


def split_hash(split: SplitData) -> str:
    """Hash of a split's articles and gold spans: two runs on different data never share it."""
    digest = new_digest(split.name.encode("utf-8"))
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
