"""Progress for a console that is not a terminal (nohup, CI, `2> log`): a plain line now and then.

A rich bar redraws in place, which a log file cannot show: piped, a 14-minute training printed one
line at its start and one at its end. `PlainProgress` prints one line every 30 seconds or every
10% of the work, whichever comes first, and one at the end, so a reader can tell progress from a hang.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

EVERY_SECONDS = 30.0
EVERY_FRACTION = 0.1


def is_terminal(stream: TextIO) -> bool:
    """True when `stream` is an interactive terminal (where a redrawn bar works)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def duration(seconds: float) -> str:
    """'45 s', '3 min 05 s', '1 h 02 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class PlainProgress:
    """Prints `describe(done, total, elapsed)` at 10% steps, every 30 s, and when the work is done."""

    def __init__(
        self,
        total: int,
        describe: Callable[[int, int, float], str],
        *,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        every_seconds: float = EVERY_SECONDS,
        every_fraction: float = EVERY_FRACTION,
    ) -> None:
        self.total = max(total, 0)
        self.describe = describe
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.every_seconds = every_seconds
        self.step = max(1, int(self.total * every_fraction)) if self.total else 1
        self.started = self.last_time = clock()
        self.last_done: int | None = None
        self.next_mark = self.step

    def update(self, done: int) -> None:
        """Record `done` units of work; print a line when a 10% mark or 30 s has passed, or at the end."""
        now = self.clock()
        finished = self.total > 0 and done >= self.total
        due = done >= self.next_mark or now - self.last_time >= self.every_seconds or finished
        if not due or done == self.last_done:
            return
        print(self.describe(done, self.total, now - self.started), file=self.stream, flush=True)
        self.last_time, self.last_done = now, done
        while self.next_mark <= done:
            self.next_mark += self.step


def time_left(done: int, total: int, elapsed: float, done_at_start: int = 0) -> str:
    """The estimated time left from the rate so far ('–' before any work was timed)."""
    worked = done - done_at_start
    if worked <= 0 or total <= done:
        return "0 s" if total <= done else "–"
    return duration(elapsed / worked * (total - done))
