"""New weights in the same local model folder are a new model: no stale completions, a new run id."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _eval(model: Path, runs: Path, data: Path) -> subprocess.CompletedProcess[str]:
    argv = ["eval", "--task", "name-calling", "--model", str(model), "--data-dir", str(data)]
    argv += ["--limit-articles", "2", "--iterations", "0", "--runs-dir", str(runs), "--max-new-tokens", "8"]
    return subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )


def test_perturbed_weights_miss_the_cache_and_get_a_new_run_folder(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    model = tmp_path / "M"
    shutil.copytree(tiny_path, model)
    runs = tmp_path / "runs"
    first = _eval(model, runs, sample_dir)
    assert first.returncode == 0, first.stderr
    before = {p.name for p in runs.iterdir() if p.name.startswith("name-calling__")}
    again = _eval(model, runs, sample_dir)
    assert "came from the cache" in again.stdout + again.stderr  # unchanged weights: cached
    weights = model / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0x01  # one bit of the last weight
    weights.write_bytes(bytes(data))
    changed = _eval(model, runs, sample_dir)
    assert changed.returncode == 0, changed.stderr
    assert "came from the cache" not in changed.stdout + changed.stderr
    after = {p.name for p in runs.iterdir() if p.name.startswith("name-calling__")}
    assert len(after - before) == 1  # a new run identity
