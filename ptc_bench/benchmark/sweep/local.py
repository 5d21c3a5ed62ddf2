"""The local executor: a sweep's jobs one at a time, each an ordinary `bench` process.

A job runs as `python -m ptc_bench.benchmark.cli <command> <argv>` (its own process: memory is
returned between jobs and one job's crash is not the sweep's); its console lines come back tagged
with the job (`[3/14 tagger slogans] ...`). A finished job is skipped; a partial one is simply run
again, and resumes from its checkpoints and cached completions as any re-run does.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ptc_bench.benchmark.sweep.plan import Job
from ptc_bench.benchmark.sweep.state import INTERRUPTED, SweepLog, job_state

ERROR_MARK = ": error: "  # `bench run: error: ...`, the one line a failed command prints
STOP_SECONDS = 60  # after Ctrl-C, how long a job may take to save its work before it is killed


@dataclass(frozen=True)
class PlannedJob:
    """A job with the run folder it writes (computed the way `bench run` computes it)."""

    job: Job
    run_dir: Path


@dataclass(frozen=True)
class Outcome:
    """How one job of this sweep invocation ended."""

    job: Job
    state: str  # done (now or before), failed
    error: str | None = None


def job_command(job: Job) -> list[str]:
    """The process a job runs."""
    return [sys.executable, "-m", "ptc_bench.benchmark.cli", job.command, *job.argv]


def run_local(
    planned: list[PlannedJob],
    log: SweepLog,
    *,
    after_success: Callable[[PlannedJob], None] | None = None,
    out: TextIO = sys.stdout,
) -> list[Outcome]:
    """Run every job that is not done, in plan order; a failed job is reported and the next one runs."""
    outcomes = []
    total = len(planned)
    for item in planned:
        job, tag = item.job, f"[{item.job.index}/{total} {item.job.name}]"
        if job_state(job.key, item.run_dir, log.records()).state == "done":
            print(f"{tag} done before: {item.run_dir}", file=out, flush=True)
            outcomes.append(Outcome(job, "done"))
            continue
        print(f"{tag} start: bench {job.command} {' '.join(job.argv)}", file=out, flush=True)
        log.append({"job": job.key, "event": "start", "name": job.name, "run_dir": str(item.run_dir)})
        started = time.monotonic()
        try:
            rc, error = _run_tagged(job_command(job), tag, out)
        except KeyboardInterrupt:
            log.append(_end(job, INTERRUPTED, time.monotonic() - started, "interrupted"))
            raise
        log.append(_end(job, rc, time.monotonic() - started, error))
        if rc == 0 and job_state(job.key, item.run_dir, []).state == "done":
            print(f"{tag} done in {time.monotonic() - started:.0f} s: {item.run_dir}", file=out, flush=True)
            if after_success is not None:
                after_success(item)
            outcomes.append(Outcome(job, "done"))
        else:
            error = error or f"exit status {rc}"
            print(f"{tag} failed: {error}", file=out, flush=True)
            outcomes.append(Outcome(job, "failed", error))
    return outcomes


def _end(job: Job, rc: int, seconds: float, error: str | None) -> dict[str, object]:
    return {"job": job.key, "event": "end", "name": job.name, "rc": rc, "seconds": round(seconds, 1)} | (
        {"error": error} if error else {}
    )


def _run_tagged(command: list[str], tag: str, out: TextIO) -> tuple[int, str | None]:
    """Run `command`, copy its merged output line by line behind `tag`; (exit status, its error line)."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True
    )
    error = None
    try:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip("\n")
            if ERROR_MARK in line and line.startswith("bench "):
                error = line.split(ERROR_MARK, 1)[1].strip()
            print(f"{tag} {line}", file=out, flush=True)
        return process.wait(), error
    except KeyboardInterrupt:
        _stop(process)
        raise


def _stop(process: subprocess.Popen[str]) -> None:
    """Ctrl-C: the job gets SIGINT (it keeps its cached work), then SIGKILL if it does not stop."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
