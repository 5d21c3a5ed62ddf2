"""Append-only JSONL cache of completions, so interrupted runs resume and re-runs cost nothing.

One line per completion, keyed by sha256(model key, generation settings key, prompt hash). Every
finished batch is appended, flushed and fsync'ed at once; a torn last line (a process killed
mid-write) is skipped with a warning on the next load. Later lines win over earlier ones with the
same key, which is how `--no-cache` overwrites entries without rewriting the file. Under several
processes each rank appends to its own shard file (`<name>.rank<N>.jsonl`) and rank 0 merges the
shards into the main file, so no two processes ever append to one file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from ptc_bench.benchmark.generation.stopping import StopReason
from ptc_bench.core.hashing import sha256_text, stable_hash
from ptc_bench.core.safe_write import WriteError, describe, open_no_follow, refuse_link

logger = logging.getLogger(__name__)

CACHE_FORMAT_VERSION = 1
_STOP_REASONS = ("eos", "json_closed", "max_new_tokens")


def prompt_hash(prompt: str) -> str:
    """The hash that identifies a prompt (exact model input text) in caches and sample logs."""
    return sha256_text(prompt)


def model_key(
    model: str,
    revision: str | None,
    quantization: str | None,
    adapter: str | None,
    engine: Mapping[str, str] | None = None,
) -> str:
    """The one name of a model state in the completion cache: model, revision, quantization, adapter
    hash and, for engines whose identity the run records, the engine's identity (hf's keys predate
    engines and stay as they were)."""
    parts: list[object] = [model, revision, quantization, adapter]
    if engine is not None:
        parts.append(dict(engine))
    return stable_hash(parts)


def cache_key(model_key: str, settings_key: str, prompt_digest: str) -> str:
    """The cache key of one completion: model (+ revision + adapter hash), settings and prompt."""
    return sha256_text(json.dumps([CACHE_FORMAT_VERSION, model_key, settings_key, prompt_digest]))


@dataclass(frozen=True)
class CacheEntry:
    """One cached completion, exactly as stored on one JSONL line."""

    key: str
    prompt_hash: str
    text: str
    stopped: StopReason
    n_prompt_tokens: int
    n_new_tokens: int
    created: float  # seconds since the epoch

    @staticmethod
    def from_json(record: object) -> CacheEntry:
        """Validate a decoded JSON line; ValueError when it is not a cache entry."""
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
        for name in ("key", "prompt_hash", "text"):  # never coerced: a number as text is a corrupt entry
            if not isinstance(record.get(name), str):
                raise ValueError(f"field {name!r} is not a string")
        try:
            entry = CacheEntry(
                key=str(record["key"]),
                prompt_hash=str(record["prompt_hash"]),
                text=str(record["text"]),
                stopped=record["stopped"],
                n_prompt_tokens=int(record["n_prompt_tokens"]),
                n_new_tokens=int(record["n_new_tokens"]),
                created=float(record["created"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"missing or bad field: {error}") from error
        if entry.stopped not in _STOP_REASONS:
            raise ValueError(f"unknown stop reason {entry.stopped!r}")
        return entry


class CompletionCache:
    """Completions by key, read from `path` (and leftover rank shards) and appended to `write_path`."""

    def __init__(self, path: Path, *, write_path: Path | None = None) -> None:
        self.path = Path(path)
        self.write_path = Path(write_path) if write_path is not None else self.path
        refuse_link(self.write_path)  # before any generation: appends never go through a link
        self._entries: dict[str, CacheEntry] = {}
        self.reload()

    def reload(self) -> None:
        """Re-read the main file and any rank shards (later lines win)."""
        entries: dict[str, CacheEntry] = {}
        for source in [self.path, *self.shard_paths()]:
            for entry in _read_entries(source):
                entries[entry.key] = entry
        self._entries = entries

    def shard_paths(self) -> list[Path]:
        """Per-rank shard files next to the main file (left behind by an interrupted multi-process run)."""
        if not self.path.parent.is_dir():
            return []
        return sorted(self.path.parent.glob(f"{self.path.stem}.rank*.jsonl"))

    def for_rank(self, rank: int) -> CompletionCache:
        """A view that reads everything but appends to this rank's own shard file."""
        shard = self.path.with_name(f"{self.path.stem}.rank{rank}.jsonl")
        view = CompletionCache.__new__(CompletionCache)
        view.path, view.write_path, view._entries = self.path, shard, dict(self._entries)
        return view

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def keys(self) -> list[str]:
        """Every cached key."""
        return list(self._entries)

    def get(self, key: str) -> CacheEntry | None:
        """The latest entry stored under `key`, if any."""
        return self._entries.get(key)

    def append(self, entries: Iterable[CacheEntry]) -> None:
        """Append entries to the write file and fsync, so they survive a kill right after."""
        batch = list(entries)
        _append_lines(self.write_path, batch)
        for entry in batch:
            self._entries[entry.key] = entry

    def merge_shards(self) -> int:
        """Fold rank shard files into the main file and delete them; returns the number of entries moved."""
        moved: list[CacheEntry] = []
        shards = self.shard_paths()
        for shard in shards:
            moved.extend(_read_entries(shard))
        _append_lines(self.path, moved)
        for entry in moved:
            self._entries[entry.key] = entry
        for shard in shards:
            shard.unlink()
        return len(moved)


def new_entry(
    key: str, prompt_digest: str, text: str, stopped: StopReason, n_prompt_tokens: int, n_new_tokens: int
) -> CacheEntry:
    """A cache entry stamped with the current time."""
    return CacheEntry(key, prompt_digest, text, stopped, n_prompt_tokens, n_new_tokens, time.time())


def _append_lines(path: Path, entries: list[CacheEntry]) -> None:
    """Append one JSON line per entry under an exclusive lock, in one write, then fsync.

    Several `bench` processes may share one cache file (runs of different tasks in one runs
    folder): the lock keeps their batches whole and the torn-line check consistent.
    """
    if not entries:
        return
    data = "".join(json.dumps(asdict(entry), ensure_ascii=False) + "\n" for entry in entries).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = open_no_follow(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    except OSError as error:
        raise WriteError(f"cannot write the completion cache {path}: {describe(error)}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        if _ends_without_newline(path):
            data = b"\n" + data  # never glue a new entry onto a torn last line
        size = os.fstat(descriptor).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        except OSError as error:  # a full disk: take back the part written, so no line is torn
            with contextlib.suppress(OSError):
                os.ftruncate(descriptor, size)
            raise WriteError(f"cannot write the completion cache {path}: {describe(error)}") from None
    finally:
        os.close(descriptor)  # closing releases the lock


def _ends_without_newline(path: Path) -> bool:
    """True when `path` exists, is not empty and its last byte is not a newline."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def _read_entries(path: Path) -> Iterator[CacheEntry]:
    """Entries of one JSONL file; a torn or malformed line is skipped with a warning."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8", errors="replace") as handle:
        lines = handle.read().split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield CacheEntry.from_json(json.loads(line))
        except ValueError as error:
            where = "torn last line" if number >= len(lines) - 1 else "malformed line"
            logger.warning("%s:%d: skipping %s of the completion cache (%s)", path, number, where, error)
