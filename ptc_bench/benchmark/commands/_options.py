"""argparse `type=` validators shared by the commands: a bad number is refused while parsing."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ptc_bench.benchmark.limits import Range


def non_negative_int(text: str) -> int:
    """An integer >= 0."""
    return _int_at_least(text, 0, "a non-negative integer")


def share(text: str) -> float:
    """A number from 0 to 1 (a fraction)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}")
    return value


def _int_at_least(text: str, minimum: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def in_range(allowed: Range) -> Callable[[str], int | float]:
    """An argparse type: a number inside `allowed` (benchmark.limits), else a one-line error."""

    def parse(text: str) -> int | float:
        try:
            value: int | float = int(text) if allowed.integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {allowed.describe()}, got {text!r}") from None
        if not allowed.allows(value):
            raise argparse.ArgumentTypeError(f"expected {allowed.describe()}, got {text!r}")
        return value

    return parse
