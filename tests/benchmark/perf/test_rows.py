"""Ratios (improvement factor of ours over naive) and target checks of perf rows."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.perf.rows import INFO, Target, improvement_ratio, make_row, skipped_row


def test_ratio_is_naive_over_ours_when_lower_is_better() -> None:
    assert improvement_ratio(2.0, 50.0, "lower") == pytest.approx(25.0)


def test_ratio_is_ours_over_naive_when_higher_is_better() -> None:
    assert improvement_ratio(9.0, 1.5, "higher") == pytest.approx(6.0)


def test_ratio_undefined_without_both_numbers_or_with_zero() -> None:
    assert improvement_ratio(None, 3.0, "lower") is None
    assert improvement_ratio(0.0, 3.0, "lower") is None
    assert improvement_ratio(3.0, 0.0, "higher") is None


def test_ratio_target_met_at_the_boundary_and_missed_below() -> None:
    target = Target("ratio_at_least", 20)
    assert make_row("s", "r", ours=1.0, naive=20.0, unit="tokens", target=target).met is True
    row = make_row("s", "r", ours=1.0, naive=19.9, unit="tokens", target=target)
    assert row.met is False
    assert row.target == ">= 20x"
    assert row.ratio == pytest.approx(19.9)


def test_strict_ratio_target() -> None:
    target = Target("ratio_above", 1.0)
    assert make_row("m", "rss", ours=100.0, naive=100.0, unit="MiB", target=target).met is False
    assert make_row("m", "rss", ours=99.0, naive=100.0, unit="MiB", target=target).met is True


def test_absolute_target_looks_at_ours_only() -> None:
    target = Target("ours_below", 1.0, "s")
    assert make_row("x", "t", ours=0.4, naive=None, unit="s", target=target).met is True
    row = make_row("x", "t", ours=1.0, naive=0.1, unit="s", target=target)
    assert row.met is False
    assert row.target == "< 1 s"


def test_higher_is_better_row_misses_when_slower() -> None:
    row = make_row(
        "g", "w/s", ours=2.0, naive=1.0, unit="windows/s", better="higher", target=Target("ratio_at_least", 8)
    )
    assert (row.ratio, row.met) == (pytest.approx(2.0), False)


def test_info_rows_and_skipped_rows() -> None:
    assert make_row("s", "n", ours=1.0, naive=2.0, unit="tokens", target=INFO).met is True
    skipped = skipped_row("gpu", "tokens/s", unit="tokens/s", notes="no CUDA")
    assert skipped.skipped is True
    assert skipped.met is False
    assert (skipped.ours, skipped.naive, skipped.ratio) == (None, None, None)
