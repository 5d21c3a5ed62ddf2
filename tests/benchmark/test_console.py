"""The console of a run: library output to run.log (console with --verbose), and the one-sentence verdict."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

from ptc_bench.benchmark.console import verdict
from ptc_bench.benchmark.stage.log import library_output_to_log
from ptc_bench.core.records import RunResults
from tests.reports import fake_runs


def _emit() -> None:
    warnings.warn("`old_flag` is deprecated", FutureWarning, stacklevel=1)
    logging.getLogger("transformers.modeling_utils").warning("Some weights were not initialised")
    logging.getLogger("ptc_bench.benchmark.generation.cache").warning("skipping a torn last line")


def test_library_output_goes_to_run_log_and_our_warnings_to_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with warnings.catch_warnings(), library_output_to_log(tmp_path, verbose=False) as log:
        warnings.simplefilter("always")
        _emit()
    err = capsys.readouterr().err
    assert "skipping a torn last line" in err
    assert "deprecated" not in err and "not initialised" not in err
    text = log.read_text(encoding="utf-8")
    assert "FutureWarning: `old_flag` is deprecated" in text and "Some weights were not initialised" in text
    handlers = logging.getLogger().handlers  # removed again once the run is over
    assert not any(getattr(h, "baseFilename", None) == str(log.resolve()) for h in handlers)


def test_verbose_shows_library_output_on_the_console_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with warnings.catch_warnings(), library_output_to_log(tmp_path, verbose=True) as log:
        warnings.simplefilter("always")
        _emit()
    err = capsys.readouterr().err
    assert "deprecated" in err and "not initialised" in err
    assert "not initialised" in log.read_text(encoding="utf-8")


def test_verdict_says_who_wins_or_that_there_is_no_significant_difference() -> None:
    document = fake_runs.results_dict()  # si_f1: base 0.3, adapted 0.6, CI of the difference +-0.05, p 0.012
    assert verdict(RunResults.from_json(document)) == (
        "adapted beats base on SI F1 by +0.30 (95% CI +0.25..+0.35, p = 0.012)"
    )
    for comparison in document["comparisons"]:
        comparison["p_value"] = 0.4
    assert verdict(RunResults.from_json(document)) == (
        "no significant difference between adapted and base on SI F1 (+0.30, 95% CI +0.25..+0.35, p = 0.400)"
    )
    assert verdict(RunResults.from_json(fake_runs.results_dict(base_f1=None))) is None


def test_training_display_follows_steps_and_losses(capsys: pytest.CaptureFixture[str]) -> None:
    from types import SimpleNamespace

    from ptc_bench.benchmark.training.display import _rich_display

    display = _rich_display()  # what a terminal gets
    state = SimpleNamespace(is_world_process_zero=True, max_steps=4, global_step=0)
    display.on_train_begin(None, state, None)
    for step in range(1, 5):
        state.global_step = step
        display.on_step_end(None, state, None)
    display.on_log(None, state, None, logs={"eval_loss": 1.25})
    display.on_log(None, state, None, logs={"train_loss": 2.5})
    assert display.losses == {"loss": "2.500", "eval": "1.250"}
    display.on_train_end(None, state, None)
    assert display.progress is None
    assert "4/4 steps · loss 2.500 · eval loss 1.250" in capsys.readouterr().err


def test_piped_training_display_prints_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """stderr is not a terminal under capsys: one plain line per 10% of the steps (issue 22, case 12)."""
    from types import SimpleNamespace

    from ptc_bench.benchmark.training.display import training_display

    display = training_display()
    state = SimpleNamespace(is_world_process_zero=True, max_steps=4, global_step=0)
    display.on_train_begin(None, state, None)
    for step in range(1, 5):
        state.global_step = step
        display.on_log(None, state, None, logs={"loss": 3.0 - step / 2})
        display.on_step_end(None, state, None)
    display.on_train_end(None, state, None)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" · ")[0] for line in lines] == [
        f"training: step {n}/4 ({n * 25}%)" for n in range(1, 5)
    ]
    assert lines[-1].startswith("training: step 4/4 (100%) · loss 1.000 · eval loss – · 0 s left")
