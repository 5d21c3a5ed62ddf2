"""Where each job of a sweep stands: its run folder says done or partial, the sweep log says the rest.

The sweep log (`<runs folder>/sweeps/log.jsonl`) gets one JSON line when a job starts and one when it
ends (exit status, seconds, its one-line error). It is an account, not the truth: a job is done when
its run folder holds results.json and its manifest says success, whatever the log says, so a killed
sweep cannot mark a job done.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ptc_bench.core.manifests import unfinished_reason
from ptc_bench.core.safe_write import WriteError, describe, open_no_follow

LOG = Path("sweeps") / "log.jsonl"
STATES = ("done", "partial", "failed", "pending")
INTERRUPTED = 130  # the exit status of a job stopped by Ctrl-C: partial, not failed


@dataclass(frozen=True)
class JobState:
    """A job's standing: state, seconds spent over all its attempts, attempts, the last error."""

    state: str  # one of STATES
    seconds: float
    attempts: int
    error: str | None


class SweepLog:
    """Append-only JSON lines under a runs folder; never written through a link."""

    def __init__(self, runs_dir: Path) -> None:
        self.path = runs_dir / LOG

    def append(self, record: dict[str, Any]) -> None:
        """One line, one write (O_APPEND): a kill leaves whole lines behind."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"time": time.time(), **record}, sort_keys=True) + "\n"
        try:
            descriptor = open_no_follow(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        except OSError as error:
            raise WriteError(f"cannot write the sweep log {self.path}: {describe(error)}") from None
        try:
            os.write(descriptor, line.encode("utf-8"))
        finally:
            os.close(descriptor)

    def records(self) -> list[dict[str, Any]]:
        """Every whole line (a torn last line from a kill is skipped)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        found = []
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("job"), str):
                found.append(record)
        return found


def job_state(key: str, run_dir: Path, records: list[dict[str, Any]]) -> JobState:
    """The standing of the job `key` whose run folder is `run_dir`."""
    ends = [r for r in records if r["job"] == key and r.get("event") == "end"]
    seconds = sum(float(r.get("seconds", 0.0)) for r in ends)
    error = next((r.get("error") for r in reversed(ends)), None)
    if (run_dir / "results.json").is_file() and unfinished_reason(run_dir) is None:
        return JobState("done", seconds, len(ends), None)
    if ends and ends[-1].get("rc") not in (0, None, INTERRUPTED):
        return JobState("failed", seconds, len(ends), error or f"exit status {ends[-1].get('rc')}")
    if run_dir.is_dir():
        return JobState("partial", seconds, len(ends), error)
    return JobState("pending", seconds, len(ends), None)
