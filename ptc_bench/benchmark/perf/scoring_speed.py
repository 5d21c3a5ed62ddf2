"""Scoring: our interval-based SI + FLC vs the naive set-of-character-positions implementation
(metrics.naive) on the full dev set; the numbers must agree to 1e-9."""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ptc_bench.benchmark.perf.rows import PerfRow, Target, make_row
from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span

SECTION = "scoring"
TOLERANCE = 1e-9
Spans = Mapping[str, Sequence[Span]]


@dataclass(frozen=True)
class ScoringTimes:
    """Best wall time of each implementation and the agreement check."""

    ours_seconds: float
    naive_seconds: float
    n_numbers: int
    max_difference: float
    n_gold: int
    n_pred: int


def perturbed_predictions(gold: Spans, lengths: Mapping[str, int], seed: int = 0) -> dict[str, list[Span]]:
    """A plausible system output: gold spans dropped, shifted, relabelled, plus spurious spans."""
    rng = random.Random(seed)
    pred: dict[str, list[Span]] = {}
    for article_id in sorted(gold):
        size = lengths[article_id]
        spans: list[Span] = []
        for span in gold[article_id]:
            if rng.random() < 0.2:
                continue
            start = min(max(0, span.start + rng.randint(-15, 15)), size - 1)
            end = min(size, max(start + 1, span.end + rng.randint(-15, 15)))
            technique = rng.choice(LABELS) if rng.random() < 0.15 else span.technique
            spans.append(Span(start, end, technique))
        for _ in range(rng.randint(0, 4)):
            start = rng.randrange(max(1, size - 1))
            spans.append(Span(start, min(size, start + rng.randint(5, 80)), rng.choice(LABELS)))
        pred[article_id] = spans
    return pred


def score_ours(pred: Spans, gold: Spans) -> list[float]:
    """SI and FLC (overall and per technique) P, R, F1 from metrics.semeval."""
    from ptc_bench.metrics.semeval import score_flc, score_si

    si = score_si(pred, gold)
    flc = score_flc(pred, gold, LABELS)
    numbers = [si.precision, si.recall, si.f1, flc.precision, flc.recall, flc.f1]
    for label in LABELS:
        score = flc.per_technique[label]
        numbers += [score.precision, score.recall, score.f1]
    return numbers


def score_naive(pred: Spans, gold: Spans) -> list[float]:
    """The same numbers from metrics.naive (sets of character positions)."""
    from ptc_bench.metrics.naive import reference_flc, reference_si

    si = reference_si(pred, gold)
    overall, per_technique = reference_flc(pred, gold, LABELS)
    numbers = [si.precision, si.recall, si.f1, overall.precision, overall.recall, overall.f1]
    for label in LABELS:
        score = per_technique[label]
        numbers += [score.precision, score.recall, score.f1]
    return numbers


def best_time(function: Callable[[], list[float]], repeats: int) -> tuple[float, list[float]]:
    """Fastest of `repeats` calls and the last result."""
    best = float("inf")
    result: list[float] = []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def time_scoring(
    gold: Spans, lengths: Mapping[str, int], *, repeats: int, naive_repeats: int = 1
) -> ScoringTimes:
    """Time both implementations on the same predictions; raise if any number differs by > 1e-9."""
    pred = perturbed_predictions(gold, lengths)
    ours_seconds, ours = best_time(lambda: score_ours(pred, gold), repeats)
    naive_seconds, naive = best_time(lambda: score_naive(pred, gold), naive_repeats)
    difference = max(abs(a - b) for a, b in zip(ours, naive, strict=True))
    if difference > TOLERANCE:
        raise AssertionError(f"our scores differ from the naive implementation by {difference:.3g}")
    return ScoringTimes(
        ours_seconds,
        naive_seconds,
        len(ours),
        difference,
        sum(len(v) for v in gold.values()),
        sum(len(v) for v in pred.values()),
    )


def scoring_rows(times: ScoringTimes, n_articles: int) -> list[PerfRow]:
    """One row: full dev SI + FLC wall time (target: ours under 1 s)."""
    return [
        make_row(
            SECTION,
            "full dev SI + FLC",
            ours=times.ours_seconds,
            naive=times.naive_seconds,
            unit="s",
            target=Target("ours_below", 1.0, "s"),
            notes=(
                f"{n_articles} articles, {times.n_gold} gold vs {times.n_pred} perturbed predicted spans; "
                f"all {times.n_numbers} P/R/F1 numbers equal (max |diff| {times.max_difference:.1g} <= 1e-9)"
            ),
        )
    ]


def bench_score_rows(
    data_dir: Path, gold: Spans, lengths: Mapping[str, int], *, repeats: int
) -> list[PerfRow]:
    """`bench score --task si|flc` end to end (fresh process: start-up, file reading, checks, scoring)."""
    from ptc_bench.benchmark.perf.startup import bench_command, command_seconds
    from ptc_bench.metrics.prediction_io import write_predictions

    pred = perturbed_predictions(gold, lengths)
    rows = []
    with tempfile.TemporaryDirectory(prefix="perf-score-") as folder:
        tasks: tuple[tuple[Literal["si", "flc"], str], ...] = (
            ("si", "dev-labels-task-si"),
            ("flc", "dev-labels-task-flc-tc"),
        )
        for task, labels in tasks:
            pred_path = Path(folder) / f"pred-{task}.txt"
            write_predictions(pred_path, pred, task)
            argv = [*bench_command(), "score", "--task", task, "--pred", str(pred_path), "--gold"]
            seconds = command_seconds([*argv, str(data_dir / labels), "--json"], repeats)
            rows.append(
                make_row(
                    SECTION,
                    f"bench score --task {task} (end to end)",
                    ours=seconds,
                    naive=None,
                    unit="s",
                    target=Target("ours_below", 1.0, "s"),
                    notes=f"full dev, fresh process, best of {repeats}: start-up, reading and checking "
                    "files, scoring",
                )
            )
    return rows
