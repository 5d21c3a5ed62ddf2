"""A local model folder's content fingerprint: new weights in the same folder are a new model.

The completion cache, the run id and the adapter recipe name a local model by this fingerprint
(a folder has no hub revision). It hashes every file of the folder (weights, config, tokenizer),
so it is exact; it is cheap because each file's sha256 is computed once and kept in a small
sidecar file in the toolkit's cache, keyed by (path, size, mtime, ctime, inode): a file that is
rewritten, even to the same size and with its mtime put back, gets a new ctime and is hashed again.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import file_sha256, stable_hash
from ptc_bench.core.safe_write import WriteError, atomic_write_text

logger = logging.getLogger(__name__)

SIDECAR_NAME = "file-hashes.json"
_MAX_SIDECAR_ENTRIES = 10_000


def folder_fingerprint(folder: Path, *, sidecar: Path | None = None) -> str:
    """sha256 over (relative path, content sha256) of every file under `folder` (dot-files skipped)."""
    folder = Path(folder)
    sidecar = sidecar if sidecar is not None else _default_sidecar()
    known = _read_sidecar(sidecar) if sidecar is not None else {}
    changed = False
    listing: list[tuple[str, str]] = []
    for path in sorted(_model_files(folder)):
        stat = path.stat()
        key = json.dumps([str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino])
        digest = known.get(key)
        if digest is None:
            digest = file_sha256(path)
            known[key] = digest
            changed = True
        listing.append((path.relative_to(folder).as_posix(), digest))
    if changed and sidecar is not None:
        _write_sidecar(sidecar, known)
    return stable_hash(listing)


def local_model_fingerprint(model: str) -> str | None:
    """The fingerprint of `model` when it names an existing folder; None for names and hub ids."""
    path = Path(model)
    return folder_fingerprint(path) if path.is_dir() else None


def _model_files(folder: Path) -> list[Path]:
    """Regular files under `folder` (links to files followed), skipping hidden names."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            path = Path(root) / name
            if not name.startswith(".") and path.is_file():
                found.append(path)
    return found


def _default_sidecar() -> Path | None:
    """`<cache>/file-hashes.json`, or None when the cache folder cannot be made (hash every time)."""
    from ptc_bench.benchmark.paths import cache_dir

    try:
        return cache_dir() / SIDECAR_NAME
    except (OSError, UserError):
        return None


def _read_sidecar(path: Path) -> dict[str, str]:
    """The stored hashes; an unreadable or malformed sidecar is an empty one (it is only a cache)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str) and len(value) == 64}


def _write_sidecar(path: Path, known: dict[str, str]) -> None:
    """Store the hashes (newest kept when it grows too large); a failed write only costs a re-hash."""
    entries = dict(list(known.items())[-_MAX_SIDECAR_ENTRIES:])
    try:
        atomic_write_text(path, json.dumps(entries))
    except WriteError as error:
        logger.warning("could not store model file hashes in %s: %s", path, error)
