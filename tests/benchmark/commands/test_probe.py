"""`bench probe`: what it refuses, in one line, and a tokenizer without a first-token decision."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.cli import main
from tests.benchmark.tiny_helpers import tiny_model_path


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--task", "technique-classification"], "nothing to decide"),
        (["--task", "name-calling", "--save-threshold"], "--save-threshold needs --adapter"),
        (["--task", "name-calling", "--split", "dev", "--save-threshold", "--adapter", "x"], "never dev"),
        (["--task", "no-such-task"], "no-such-task"),
    ],
)
def test_probe_refuses_in_one_line(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["probe", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected in err, err


def test_a_model_whose_tokenizer_opens_both_answers_alike_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["probe", "--task", "name-calling", "--model", str(tiny_model_path()), "--limit-articles", "1"]
    assert main(argv) == 2
    assert "does not tell '{\"' from '{}'" in capsys.readouterr().err
