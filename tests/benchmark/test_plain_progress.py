"""PlainProgress: a line every 10% or 30 s, whichever comes first, and one at the end."""

from __future__ import annotations

import io

from ptc_bench.benchmark.plain_progress import PlainProgress, duration, time_left


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_lines_at_each_tenth_and_every_30_seconds() -> None:
    out, clock = io.StringIO(), FakeClock()
    progress = PlainProgress(1000, lambda d, t, e: f"{d}/{t} at {e:.0f}", stream=out, clock=clock)
    for done in range(1, 251):
        clock.now += 0.1
        progress.update(done)
    assert out.getvalue().splitlines() == ["100/1000 at 10", "200/1000 at 20"]
    clock.now += 31  # a slow stretch: a line after 30 s even though 10% was not reached
    progress.update(251)
    progress.update(252)
    progress.update(1000)
    assert out.getvalue().splitlines()[2:] == ["251/1000 at 56", "1000/1000 at 56"]


def test_time_left_and_durations() -> None:
    assert time_left(10, 40, 20.0) == "1 min 00 s"
    assert time_left(5, 10, 10.0, done_at_start=5) == "–"
    assert time_left(10, 10, 1.0) == "0 s"
    assert (duration(45), duration(185), duration(3720)) == ("45 s", "3 min 05 s", "1 h 02 min")
