"""Piped (stderr not a terminal), `bench run` prints plain progress lines while training and generating."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.integration.test_run import run_args

REPO = Path(__file__).resolve().parents[2]


def test_piped_run_shows_training_and_generation_progress(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    args = run_args(tiny_path, tmp_path / "runs", sample_dir, "--max-steps", "4", "--batch-size", "1")
    done = subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    training = [line for line in lines if line.startswith("training: step ")]
    generating = [line for line in lines if line.startswith("generating: ")]
    assert [re.match(r"training: step (\d+)/4", line)[1] for line in training] == ["1", "2", "3", "4"]  # type: ignore[index]
    assert all("loss" in line and "left" in line for line in training)
    assert len(generating) >= 2 and all("windows/s" in line for line in generating)
    assert re.search(
        r"training a LoRA adapter \(unquantised weights\), (fp32|bf16) compute for name-calling "
        r"on \d+( of \d+)? windows",
        done.stderr,
    )
    # the lines come while the stages run: training before the first generation line
    assert lines.index(training[-1]) < lines.index(generating[0])
