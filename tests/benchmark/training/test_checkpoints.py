"""Resume only from a complete checkpoint: unit checks, a deleted trainer_state.json, kills mid-training."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from ptc_bench.benchmark.training.checkpoints import checkpoint_problem, last_complete_checkpoint
from ptc_bench.benchmark.training.config import TrainConfig
from ptc_bench.benchmark.training.examples import TrainExample
from ptc_bench.benchmark.training.train import train_adapter
from tests.benchmark.tiny_helpers import tiny_model_path

EXAMPLES = [
    TrainExample(f"Text: the council met on day {i} about the bridge.\nAnswer:\n", '{"the bridge": "place"}')
    for i in range(6)
]
# 3 steps per epoch, a checkpoint after each epoch
CONFIG = TrainConfig(
    per_device_batch_size=2,
    logging_steps=1,
    gradient_checkpointing=False,
    max_seq_length=128,
    eval_each_epoch=False,
    epochs=2.0,
)


def _safetensors(path: Path, n_floats: int = 4, cut: int = 0) -> None:
    header = json.dumps(
        {"w": {"dtype": "F32", "shape": [n_floats], "data_offsets": [0, 4 * n_floats]}}
    ).encode()
    data = struct.pack("<Q", len(header)) + header + b"\0" * (4 * n_floats)
    path.write_bytes(data[: len(data) - cut])


def _torch_archive(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", b"x")


def _checkpoint(root: Path, step: int, *, state: bool = True) -> Path:
    folder = root / f"checkpoint-{step}"
    folder.mkdir(parents=True)
    _safetensors(folder / "adapter_model.safetensors")
    for name in ("optimizer.pt", "scheduler.pt", "rng_state.pth", "training_args.bin"):
        _torch_archive(folder / name)
    if state:
        (folder / "trainer_state.json").write_text(json.dumps({"global_step": step}), encoding="utf-8")
    return folder


def test_a_complete_checkpoint_has_no_problem(tmp_path: Path) -> None:
    assert checkpoint_problem(_checkpoint(tmp_path, 3)) is None


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda f: (f / "trainer_state.json").unlink(), "no trainer_state.json"),
        (lambda f: (f / "trainer_state.json").write_text('{"global_st'), "trainer_state.json is unreadable"),
        (lambda f: (f / "rng_state.pth").write_bytes(b""), "rng_state.pth: not a complete torch archive"),
        (
            lambda f: _safetensors(f / "adapter_model.safetensors", cut=3),
            "adapter_model.safetensors: cut short",
        ),
        (lambda f: (f / "adapter_model.safetensors").unlink(), "no weights file"),
    ],
)
def test_incomplete_checkpoints_are_named(tmp_path: Path, damage: object, problem: str) -> None:
    folder = _checkpoint(tmp_path, 3)
    damage(folder)  # type: ignore[operator]
    assert problem in (checkpoint_problem(folder) or "")


def test_newest_complete_checkpoint_wins_and_incomplete_newer_ones_are_reported(tmp_path: Path) -> None:
    _checkpoint(tmp_path, 3)
    _checkpoint(tmp_path, 12)
    _checkpoint(tmp_path, 20, state=False)
    messages: list[str] = []
    assert last_complete_checkpoint(tmp_path, messages.append) == str(tmp_path / "checkpoint-12")
    assert len(messages) == 1 and "checkpoint-20 (no trainer_state.json)" in messages[0]
    assert not (tmp_path / "checkpoint-20").exists()
    assert last_complete_checkpoint(tmp_path / "missing", messages.append) is None


@pytest.mark.integration  # trains an adapter twice
def test_rerun_after_losing_the_newest_trainer_state_resumes_from_the_one_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = str(tiny_model_path())
    first = train_adapter(EXAMPLES, [], model_id=model, config=CONFIG, output_dir=tmp_path, progress=False)
    assert first.global_step == 6
    (
        tmp_path / "checkpoints" / "checkpoint-6" / "trainer_state.json"
    ).unlink()  # as a kill mid-save leaves it
    again = train_adapter(EXAMPLES, [], model_id=model, config=CONFIG, output_dir=tmp_path, progress=False)
    assert again.resumed_from == str(tmp_path / "checkpoints" / "checkpoint-3")
    assert again.global_step == 6
    assert "skipping incomplete checkpoint" in capsys.readouterr().err
