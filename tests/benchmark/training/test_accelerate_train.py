"""`train_adapter` under `accelerate launch` with 2 CPU processes (gloo): both ranks train, rank 0 saves."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest

from tests.benchmark.tiny_helpers import tiny_model_path
from tests.cpu_launch import launch_two_cpu_processes

pytestmark = pytest.mark.integration  # trains or launches model processes

REPO_ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
sys.path.insert(0, {repo!r})
from accelerate import PartialState
from ptc_bench.benchmark.training.examples import TrainExample
from ptc_bench.benchmark.training.train import train_adapter
from ptc_bench.benchmark.training.config import TrainConfig

state = PartialState()
prompts = [f"Text: item {{i}} is a bridge.\\nAnswer:\\n" for i in range(8)]
examples = [TrainExample(prompt, '{{"a bridge": "place"}}') for prompt in prompts]
config = TrainConfig(max_steps=2, per_device_batch_size=2, logging_steps=1, gradient_checkpointing=False,
                     eval_each_epoch=False, max_seq_length=64)
result = train_adapter(examples, [], model_id={model!r}, quantization="none", config=config,
                       output_dir={out!r}, progress=False)
with open({out!r} + f"/rank{{state.process_index}}.json", "w") as handle:
    record = {{"world": state.num_processes, "backend": str(state.backend), "step": result.global_step}}
    json.dump(record, handle)
"""


# ~15 s on 2 quiet cores (two processes importing the model stack)
def test_two_process_training_on_cpu(tmp_path: Path) -> None:
    model = tiny_model_path()  # built here, so the ranks only load it
    out = tmp_path / "train"
    script = tmp_path / "train_ddp.py"
    script.write_text(textwrap.dedent(SCRIPT).format(repo=str(REPO_ROOT), model=str(model), out=str(out)))
    started = time.perf_counter()
    result = launch_two_cpu_processes(str(script), timeout=600)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [json.loads((out / f"rank{rank}.json").read_text()) for rank in (0, 1)]
    assert [r["world"] for r in ranks] == [2, 2]
    assert all(r["backend"] == "gloo" for r in ranks)
    assert [r["step"] for r in ranks] == [2, 2]
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["global_step"] == 2
    print(f"2-process training launch took {elapsed:.1f} s")
