"""One resolver: an adapter from `bench train --model tiny` is evaluated on the base it was trained on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.models.loading import adapter_base_model
from tests.benchmark.tiny_helpers import quick_recipe


def test_train_then_eval_use_one_tiny_base_whatever_the_data_dir(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ptc_bench.benchmark.models.tiny.DEFAULT_RECIPE", quick_recipe(steps=5))
    other = tmp_path / "other-corpus"  # a different train text: it used to give a different tiny base
    shutil.copytree(sample_dir, other)
    article = sorted((other / "train-articles").glob("article*.txt"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nA line that only this copy has.\n")
    monkeypatch.setenv("PTC_DATA_DIR", str(other))
    out = tmp_path / "train-out"
    common = ["--task", "name-calling", "--model", "tiny", "--window-chars", "500"]
    assert main(["train", *common, "--data-dir", str(other), "--output", str(out), "--max-steps", "1"]) == 0
    runs = tmp_path / "runs"
    eval_args = ["eval", *common, "--adapter", str(out / "adapter"), "--data-dir", str(sample_dir)]
    eval_args += [
        "--runs-dir",
        str(runs),
        "--limit-articles",
        "1",
        "--max-new-tokens",
        "8",
        "--iterations",
        "0",
    ]
    assert main(eval_args) == 0
    (run_dir,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    trained_on = adapter_base_model(out / "adapter")
    assert trained_on is not None and Path(trained_on).name.startswith("tiny-model-")
    assert manifest["base_model"]["name"] == "tiny"
    assert manifest["base_model"]["path"] == trained_on
