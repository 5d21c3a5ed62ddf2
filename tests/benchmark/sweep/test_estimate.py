"""Rates per kind of job and the time left, by hand."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.sweep.estimate import Work, rates, seconds_left


def work(kind: str, train: int, epochs: float, prompts: int, systems: int) -> Work:
    return Work(kind, train, epochs, prompts, systems, characters=0)


def test_rates_are_seconds_per_unit_of_each_kind() -> None:
    done = [
        (work("generate a hf", 100, 1.0, 50, 2), 400.0),  # 200 units
        (work("generate a hf", 300, 1.0, 50, 2), 800.0),  # 400 units
        (work("tagger b hf", 10, 2.0, 30, 2), 80.0),  # 80 units
        (work("tagger b hf", 0, 0.0, 0, 1), 5.0),  # no work: ignored
    ]
    known = rates(done)
    assert known == pytest.approx({"generate a hf": 1200.0 / 600.0, "tagger b hf": 1.0})
    assert seconds_left(work("generate a hf", 50, 1.0, 25, 2), known) == pytest.approx(200.0)
    assert seconds_left(work("generate c hf", 50, 1.0, 25, 2), known) is None
