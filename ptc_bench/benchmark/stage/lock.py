"""One `bench` process per run folder: an exclusive lock on `<run folder>/.lock` (fcntl.flock).

Two processes on the same run folder would train into the same `train/` and the last writer would
silently replace the other's adapter, results and manifest. The second one stops with a clear line
instead. The lock is the kernel's: it goes away with the process, even after `kill -9`.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ptc_bench.core.errors import UserError
from ptc_bench.core.safe_write import open_no_follow

LOCK_NAME = ".lock"


@contextmanager
def run_folder_lock(run_dir: Path) -> Iterator[None]:
    """Hold the run folder's lock for the block; UserError at once when another process holds it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / LOCK_NAME
    descriptor = open_no_follow(path, os.O_RDWR | os.O_CREAT)  # never truncate a link's target
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise UserError(
                f"{run_dir} is in use by another bench process (pid {holder}); wait for it to finish "
                "or use another --runs-dir"
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
