"""Values only the model can refute are refused before training: one line, exit 2 (issue 22, case 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _train(tiny: Path, data: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = ["train", "--task", "name-calling", "--model", str(tiny), "--data-dir", str(data)]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ptc_bench.benchmark.cli",
            *argv,
            "--output",
            str(out),
            "--max-steps",
            "1",
            *extra,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )


@pytest.mark.parametrize(
    ("config", "flags", "expected"),
    [
        ('[train]\ntarget_modules = ["q_proj", "nope_proj"]\n', (), "has no module named 'nope_proj'"),
        (None, ("--max-seq-length", "16"), "max_seq_length 16: no training window fits"),
    ],
    ids=["unknown-module", "sequence-too-short"],
)
def test_refused_before_training_in_one_line(
    tiny_path: Path,
    sample_dir: Path,
    tmp_path: Path,
    config: str | None,
    flags: tuple[str, ...],
    expected: str,
) -> None:
    extra = list(flags)
    if config is not None:
        (tmp_path / "train.toml").write_text(config, encoding="utf-8")
        extra += ["--config", str(tmp_path / "train.toml")]
    done = _train(tiny_path, sample_dir, tmp_path / "out", *extra)
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert done.returncode == 2, done.stderr
    assert len(errors) == 1 and expected in errors[0] and errors[0].startswith("bench train: error: ")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "adapter").exists()
