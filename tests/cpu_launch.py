"""Run a script or module under `accelerate launch` with 2 CPU processes (gloo), as the tests need."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def launch_two_cpu_processes(*target: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """`accelerate launch --multi_gpu --num_processes 2 TARGET...` with CUDA hidden (gloo on CPU)."""
    command = [
        sys.executable, "-m", "accelerate.commands.launch",
        "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
        "--mixed_precision", "no", "--dynamo_backend", "no", *target,
    ]  # fmt: skip
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "CUDA_VISIBLE_DEVICES": "",  # CPU processes on the gloo backend, even on a GPU machine
        "PYTHONPATH": str(REPO_ROOT),
    }
    return subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
