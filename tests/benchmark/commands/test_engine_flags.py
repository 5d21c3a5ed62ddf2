"""`--engine vllm` on compare and perf without vLLM installed: one line, exit 2, nothing written.

In the vLLM venv the same flags would start work, so these run where vLLM is absent (the default
install); `tests/integration/test_engines.py` covers the engine itself where it is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ptc_bench.benchmark.generation.engines import vllm_version

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(vllm_version() is not None, reason="vLLM is installed here: the flag would start work")
@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "RUNS", "--engine", "vllm"],
        ["perf", "--engine", "vllm", "--quick", "--model", "tiny", "--out", "perf.json"],
    ],
)
def test_engine_vllm_without_vllm_is_one_line_before_any_work(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "RUNS").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PTC_DATA_DIR"}
    env.update(PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1")
    done = subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", *argv],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    lines = done.stderr.splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and "--engine vllm: vLLM is not installed" in lines[0], done.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["RUNS"]  # no compare/ folder, no perf.json
