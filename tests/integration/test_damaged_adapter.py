"""`bench run` never reuses a damaged adapter: verified first, retrained when it fails (issue 22, case 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.models.adapter_check import verify_adapter
from tests.integration.test_run import run_args


def test_a_truncated_adapter_is_trained_again(
    tiny_path: Path, sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = tmp_path / "runs"
    args = run_args(tiny_path, runs, sample_dir, "--max-steps", "1", "--max-new-tokens", "8")
    assert main(args) == 0
    (run_dir,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    weights = run_dir / "train" / "adapter" / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    capsys.readouterr()
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "not reusing the adapter" in err and "training it again" in err
    verify_adapter(weights.parent)
