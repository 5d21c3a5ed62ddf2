"""A run's record from its first second: manifest.json says running, then success, error or interrupted.

`run_record` writes manifest.json (status running, start time, the run's identity as far as it is
known, the toolkit's version and git commit) when the run starts; when the run raises, it rewrites
it with status error (and the one line) or interrupted. The finished run's manifest (status
success, written with the results by `writer.py`) carries the same start time and provenance.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from ptc_bench.core.errors import UserError
from ptc_bench.core.manifests import RunManifest
from ptc_bench.core.safe_write import atomic_write_text

MANIFEST = "manifest.json"


def now() -> str:
    """The current time, ISO 8601 in UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@lru_cache(maxsize=1)
def toolkit_provenance() -> dict[str, Any]:
    """ptc-bench's version and, run from a git checkout, its commit and whether the tree was dirty."""
    from ptc_bench.version import __version__

    found: dict[str, Any] = {"version": __version__, "commit": None, "dirty": None}
    checkout = Path(__file__).resolve().parents[3]
    try:
        commit = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return found
        status = subprocess.run(
            ["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return found
    found["commit"] = commit.stdout.strip()
    found["dirty"] = bool(status.stdout.strip()) if status.returncode == 0 else None
    return found


@dataclass(frozen=True)
class Started:
    """What the finished manifest repeats of the started one."""

    time: str
    toolkit: dict[str, Any]


@contextmanager
def run_record(run_dir: Path, identity: dict[str, Any], data_dir: str) -> Iterator[Started]:
    """manifest.json with status running for the block; error or interrupted when the block raises."""
    run_dir.mkdir(parents=True, exist_ok=True)
    started = Started(now(), toolkit_provenance())
    manifest = RunManifest(
        identity=identity,
        base_model=None,
        data_dir=data_dir,
        data_option=None,
        wall_seconds=0.0,
        n_prompts=0,
        versions={},
        host="",
        world_size=1,
        status="running",
        started=started.time,
        toolkit=started.toolkit,
    )
    _write(run_dir, manifest)
    try:
        yield started
    except KeyboardInterrupt:
        _write_quietly(run_dir, replace(manifest, status="interrupted", finished=now()))
        raise
    except UserError as error:
        _write_quietly(
            run_dir, replace(manifest, status="error", finished=now(), error=_one_line(str(error)))
        )
        raise
    except Exception as error:
        line = _one_line(f"{type(error).__name__}: {error}")
        _write_quietly(run_dir, replace(manifest, status="error", finished=now(), error=line))
        raise


def _one_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:500]


def _write_quietly(run_dir: Path, manifest: RunManifest) -> None:
    """The record of a failure, unless writing fails too (a full disk): the first error is the one to see."""
    with suppress(OSError, UserError):
        _write(run_dir, manifest)


def _write(run_dir: Path, manifest: RunManifest) -> None:
    atomic_write_text(run_dir / MANIFEST, json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n")
