"""A real training subprocess killed at several moments (once mid-checkpoint); a rerun completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ptc_bench.benchmark.training.checkpoints import checkpoint_problem
from ptc_bench.benchmark.training.config import TrainConfig
from ptc_bench.benchmark.training.train import train_adapter
from tests.benchmark.tiny_helpers import tiny_model_path
from tests.benchmark.training.test_checkpoints import CONFIG, EXAMPLES

REPO = Path(__file__).resolve().parents[2]

TRAIN_SCRIPT = """
import sys
from pathlib import Path
from ptc_bench.benchmark.training.train import train_adapter
from ptc_bench.benchmark.training.config import TrainConfig
from tests.benchmark.training.test_checkpoints import CONFIG, EXAMPLES
config = TrainConfig(**{**CONFIG.to_dict(), "epochs": 4.0})
train_adapter(EXAMPLES, [], model_id=sys.argv[1], config=config, output_dir=Path(sys.argv[2]), progress=False)
"""


def _kill_when(process: subprocess.Popen[bytes], ready: object, timeout: float = 180) -> bool:
    """Poll every millisecond until `ready()` and SIGKILL the process; False when it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if ready():  # type: ignore[operator]
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.001)
    process.wait()
    return False


def test_training_killed_at_several_moments_then_rerun_completes(tmp_path: Path) -> None:
    model = str(tiny_model_path())
    checkpoints = tmp_path / "checkpoints"

    def folders() -> list[Path]:
        return sorted(checkpoints.glob("checkpoint-*")) if checkpoints.is_dir() else []

    def writing_checkpoint() -> bool:  # a checkpoint folder exists whose trainer_state.json is not there yet
        return any(not (f / "trainer_state.json").exists() for f in folders())

    def after_two_saves() -> bool:
        return len([f for f in folders() if (f / "trainer_state.json").exists()]) >= 2

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    moments = {"while writing checkpoint": writing_checkpoint, "between checkpoints": after_two_saves}
    left_incomplete = []
    for name, ready in moments.items():
        process = subprocess.Popen(
            [sys.executable, "-c", TRAIN_SCRIPT, model, str(tmp_path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert _kill_when(process, ready), f"training ended before the kill {name}"
        left_incomplete += [f.name for f in folders() if checkpoint_problem(f) is not None]
    config = TrainConfig(**{**CONFIG.to_dict(), "epochs": 4.0})
    result = train_adapter(EXAMPLES, [], model_id=model, config=config, output_dir=tmp_path, progress=False)
    assert result.global_step == 12 and result.resumed_from is not None
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()
    print(f"incomplete checkpoints left by the kills: {left_incomplete}")
