"""Training cost rows computed by hand on a four-window corpus and a word-level tokenizer."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from ptc_bench.benchmark.perf.train_timing import StepTiming
from ptc_bench.benchmark.perf.training_corpus import TrainingCorpus
from ptc_bench.benchmark.perf.training_cost import NotebookTiming, TrainingTimings, training_cost_rows
from ptc_bench.benchmark.perf.training_levers import token_lever_rows
from ptc_bench.benchmark.training.config import TrainConfig
from ptc_bench.benchmark.training.examples import TrainExample

ANSWER_A = '{"a": "N"}'  # two words
ANSWER_G = '{"g": "N"}'


class WordTokenizer:
    """One token per whitespace-separated word; `</s>` is its own word (the eos)."""

    eos_token = "</s>"

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, texts: list[str], add_special_tokens: bool = True) -> dict[str, Any]:
        words = [text.replace("</s>", " </s>").split() for text in texts]
        return {"input_ids": [[self.ids.setdefault(w, len(self.ids)) for w in ws] for ws in words]}


def corpus() -> TrainingCorpus:
    """Lengths with eos: 7 (loss 3), 5 (loss 2), 7 (loss 2), 6 (loss 3); short prompts drop `I x`."""
    examples = (
        TrainExample("I x a b\n", ANSWER_A),
        TrainExample("I x c\n", "{}"),
        TrainExample("I x d e f\n", "{}"),
        TrainExample("I x g\n", ANSWER_G),
    )
    short = tuple(TrainExample(e.prompt.replace("I x", "S"), e.completion) for e in examples)
    return TrainingCorpus(
        examples=examples,
        short_examples=short,
        window_text_tokens=(2, 1, 3, 1),
        instruction_tokens=2,
        notebook_ids=((1,) * 10, (1,) * 30),
        tokenizer=WordTokenizer(),
    )


def rows_by_name(rows: list[Any]) -> dict[str, Any]:
    return {row.name: row for row in rows}


CONFIG = TrainConfig(per_device_batch_size=1, max_empty_share=1.0)


def test_token_rows_by_hand() -> None:
    rows = rows_by_name(
        training_cost_rows(corpus(), config=CONFIG, before=CONFIG, max_length=20, timings=None)
    )
    processed = rows["processed tokens / epoch"]
    assert (processed.ours, processed.naive) == (25, 40)  # 7 + 5 + 7 + 6; two articles x 20
    assert processed.ratio == pytest.approx(1.6)
    loss = rows["loss-bearing tokens / epoch"]
    assert (loss.ours, loss.naive) == (10, 30)  # 3 + 2 + 2 + 3; 10 + 20 (the second truncated)
    minimum = rows["minimum possible tokens / epoch"]
    assert (minimum.ours, minimum.naive) == (19, 40)  # texts 7 + answers (3 + 2 + 2 + 3) + instruction 2
    assert rows["processed tokens / epoch, notebook at 10,000"].naive == 20_000
    assert rows["wall time / epoch vs notebook (extrapolated)"].skipped


def test_wall_time_rows_extrapolate_per_window_and_per_step() -> None:
    ours = StepTiming(steps=2, seconds=4.0, windows=2, tokens=12, peak_rss_bytes=2 * 1024 * 1024)
    notebook = NotebookTiming({20: StepTiming(1, 5.0, 1, 20, 3 * 1024 * 1024)}, max_length=20)
    before = replace(CONFIG, max_empty_share=0.2)  # keeps the two answered windows only
    rows = rows_by_name(
        training_cost_rows(
            corpus(),
            config=CONFIG,
            before=before,
            max_length=20,
            timings=TrainingTimings(ours, ours, notebook),
        )
    )
    versus_notebook = rows["wall time / epoch vs notebook (extrapolated)"]
    assert (versus_notebook.ours, versus_notebook.naive) == (8.0, 10.0)  # 2 s x 4 windows; 5 s x 2 articles
    versus_before = rows["wall time / epoch vs default before"]
    assert (versus_before.ours, versus_before.naive) == (8.0, 4.0)  # 2 s x 2 windows kept before
    assert versus_before.ratio == pytest.approx(0.5) and not versus_before.met
    assert "max_empty_share 0.2 -> 1.0" in versus_before.notes
    memory = rows["peak memory, training process"]
    assert (memory.ours, memory.naive) == (2.0, 3.0)


def test_notebook_step_time_through_two_lengths_is_quadratic() -> None:
    # t(L) = 5 (L/1024) + 5 (L/1024)^2: 10 s at 1,024, 30 s at 2,048, 360 s at 8,192
    timed = {1024: StepTiming(1, 10.0, 1, 1024), 2048: StepTiming(1, 30.0, 1, 2048)}
    seconds, how = NotebookTiming(timed, max_length=8192).seconds_per_step()
    assert seconds == pytest.approx(360.0)
    assert "extrapolated to 8,192" in how


def test_notebook_step_time_never_bends_down() -> None:
    # 10 s then 15 s: a negative square term is dropped, so 8,192 is 10 s x 8 (linear from 1,024)
    timed = {1024: StepTiming(1, 10.0, 1, 1024), 2048: StepTiming(1, 15.0, 1, 2048)}
    assert NotebookTiming(timed, max_length=8192).seconds_per_step()[0] == pytest.approx(80.0)


def test_notebook_step_time_measured_at_the_length_is_used_as_is() -> None:
    timed = {1024: StepTiming(1, 10.0, 1, 1024), 8192: StepTiming(2, 500.0, 2, 8192)}
    assert NotebookTiming(timed, max_length=8192).seconds_per_step()[0] == 250.0


def test_token_lever_rows_by_hand() -> None:
    config = replace(CONFIG, max_empty_share=0.2)
    rows = token_lever_rows(corpus(), config)
    share, prompt, grouped, packed = rows
    assert (share.ours, share.naive) == (13, 25)  # the two answered windows: 7 + 6
    assert (prompt.ours, prompt.naive) == (11, 13)  # `I x` (2 words) -> `S` (1) on each kept window
    assert grouped.ours == grouped.naive == 14  # one batch of 2 padded to 7
    assert (packed.ours, packed.naive) == (13, 14)
