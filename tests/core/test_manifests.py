"""The manifests read back exactly what they write, and earlier files read unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptc_bench.core.manifests import RunManifest, TrainManifest, unfinished_reason

RUN = {  # the layout run folders have had since before the types
    "identity": {"task": "name-calling", "model": "tiny", "seed": 0, "data_hash": "abc"},
    "base_model": {"name": "tiny", "path": "/cache/tiny"},
    "data_dir": "/data/ptc",
    "data_option": "/data/ptc",
    "wall_seconds": 12.5,
    "n_prompts": 8,
    "versions": {"torch": "2.13.0", "vllm": None},
    "host": "box",
    "world_size": 1,
}
RECORD = {  # what run folders record since issue 30: the run's status from its first second
    "status": "error",
    "started": "2026-12-08T01:00:00+00:00",
    "finished": "2026-12-08T01:05:00+00:00",
    "error": "out of memory",
    "toolkit": {"version": "0.1.0", "commit": "f" * 40, "dirty": False},
}
ADAPTER = {  # an adapter folder's manifest.json as `train_adapter` wrote it before the types
    "kind": "adapter",
    "created": "2026-12-04T14:00:00+00:00",
    "task": "name-calling",
    "recipe_hash": "r1",
    "model": "smollm2-135m",
    "base_model": {"id": "/m", "revision": None, "quantization": "none"},
    "device": "cpu",
    "compute": {"precision": "bf16", "bf16": True, "fp16": False, "optimizer": "adamw_torch"},
    "data": {"n_train": 553},
    "hyperparameters": {"learning_rate": 0.001},
    "config_hash": "c1",
    "train_loss": 0.487,
    "eval_loss": 7.29,
    "global_step": 553,
    "epochs_run": 1.0,
    "resumed_from": None,
    "wall_seconds": 1914.9,
    "tokens": {"per_epoch_total": 1000},
    "peak_memory": None,
    "log_history": [{"step": 1, "loss": 1.2}],
    "versions": {"torch": "2.13.0"},
}


def test_a_run_manifest_round_trips_key_for_key_and_in_order() -> None:
    manifest = RunManifest.from_json({**RUN, **RECORD}, "manifest.json")
    assert manifest.identity["task"] == "name-calling" and manifest.data_option == "/data/ptc"
    assert json.dumps(manifest.to_json()) == json.dumps({**RUN, **RECORD})
    assert not manifest.finished_ok


def test_a_manifest_written_before_run_records_reads_as_a_finished_run(tmp_path: Path) -> None:
    manifest = RunManifest.from_json(RUN, "manifest.json")
    assert (manifest.status, manifest.started, manifest.toolkit) == ("success", None, None)
    assert manifest.finished_ok
    (tmp_path / "manifest.json").write_text(json.dumps(RUN), encoding="utf-8")
    assert unfinished_reason(tmp_path) is None
    (tmp_path / "manifest.json").write_text(json.dumps({**RUN, "status": "running"}), encoding="utf-8")
    assert unfinished_reason(tmp_path) == "unfinished: its last attempt is running (re-run it)"


def test_a_training_manifest_keeps_every_key_and_sorts_context_from_details() -> None:
    manifest = TrainManifest.from_json(ADAPTER, "manifest.json")
    assert (manifest.task, manifest.recipe_hash, manifest.global_step) == ("name-calling", "r1", 553)
    assert manifest.context == {"task": "name-calling", "recipe_hash": "r1", "model": "smollm2-135m"}
    assert set(manifest.details) == {"compute", "tokens", "peak_memory"}
    assert manifest.to_json() == ADAPTER


@pytest.mark.parametrize("text", ["[]", "{}", '{"kind": "adapter"}', "not json"])
def test_what_is_not_a_training_manifest_reads_as_none(tmp_path: Path, text: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    assert TrainManifest.read(path) is None
    assert TrainManifest.read(tmp_path / "missing.json") is None


def test_what_is_not_a_run_manifest_is_one_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text('{"host": "box"}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"manifest.json: not a run manifest \(no identity\)"):
        RunManifest.read(path)
    with pytest.raises(ValueError, match="cannot read the run's manifest"):
        RunManifest.read(tmp_path / "missing.json")
