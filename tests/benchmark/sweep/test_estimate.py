"""Rates per kind of job and the time left, by hand."""

from __future__ import annotations

from pathlib import Path

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


def test_a_chat_variant_job_is_counted_without_loading_its_model(sample_dir: Path) -> None:
    """Planning needs no tokenizer: a chat-variant job (SmolLM2's default) is counted as its windows."""
    from ptc_bench.benchmark.data.windows import make_windows, spans_in_window
    from ptc_bench.benchmark.run.runner import prepare_data
    from ptc_bench.benchmark.stage.spec import RunSpec
    from ptc_bench.benchmark.sweep.estimate import count_work
    from ptc_bench.benchmark.training.config import TrainConfig

    spec = RunSpec(
        task="name-calling", model="smollm2-135m", variant="chat", data_dir=str(sample_dir),
        train=TrainConfig(max_empty_share=0.0, epochs=1.0), precision="bf16",
    )  # fmt: skip
    data = prepare_data(spec, lambda _line: None)
    work = count_work(spec, data)
    answered = sum(
        1
        for article_id, article in data.train.articles.items()
        for window in make_windows(article, spec.window_chars)
        if spans_in_window(
            window, [s for s in data.train.gold(article_id) if s.technique == "Name_Calling,Labeling"]
        )[0]
    )
    windows = sum(
        len(make_windows(article, spec.window_chars)) for article in data.evaluation.articles.values()
    )
    assert (work.train_windows, work.epochs, work.eval_prompts, work.systems) == (answered, 1.0, windows, 2)
    assert work.kind == "generate smollm2-135m hf" and work.units == answered + 2 * windows
