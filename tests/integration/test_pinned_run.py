"""One seeded `bench run` on the tiny model whose numbers are pinned, as torchtune pins recipe losses.

The tiny model (15 pre-training steps, seeded), the sample corpus, training seed 42, generation seed
0, greedy decoding and one torch thread make the run deterministic on a CPU. The pinned values were
measured by running this test (2026-11-30, torch 2.13.0 CPU, AMD EPYC). A change that moves them
changed the training or the evaluation path: find out why before re-pinning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.reports.results import load_results

LOSS_TOLERANCE = 1e-3  # relative: float32 sums may differ in the last bits between CPUs
PINNED_TRAIN_LOSS = 5.098719  # mean over 24 optimiser steps
PINNED_EVAL_LOSS = 5.121944
PINNED_VALIDITY = {"base": 0.0, "adapted": 1.0}  # the adapter teaches the answer format


def test_seeded_tiny_run_reproduces_its_loss_and_validity(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    args = [
        "run",
        "--task",
        "name-calling",
        "--model",
        str(tiny_path),
        "--data-dir",
        str(sample_dir),
        "--runs-dir",
        str(tmp_path / "runs"),
        "--limit-articles",
        "2",
        "--window-chars",
        "500",
        "--max-steps",
        "24",
        "--lr",
        "0.003",
        "--train-seed",
        "42",
        "--seed",
        "0",
        "--max-new-tokens",
        "48",
        "--iterations",
        "0",
        "--precision",
        "fp32",  # pinned on every CPU: auto would pick bf16 autocast where the CPU has it
    ]
    assert main(args) == 0
    (run_dir,) = (tmp_path / "runs").glob("name-calling__*")
    train = json.loads((run_dir / "train" / "manifest.json").read_text(encoding="utf-8"))
    results = load_results(run_dir)
    measured = {
        "train_loss": train["train_loss"],
        "eval_loss": train["eval_loss"],
        **{system: results.systems[system].metrics["json_validity"].value for system in PINNED_VALIDITY},
    }
    print(json.dumps(measured))  # shown with -s, to re-pin deliberately
    assert train["train_loss"] == pytest.approx(PINNED_TRAIN_LOSS, rel=LOSS_TOLERANCE)
    assert train["eval_loss"] == pytest.approx(PINNED_EVAL_LOSS, rel=LOSS_TOLERANCE)
    for system, validity in PINNED_VALIDITY.items():
        assert results.systems[system].metrics["json_validity"].value == pytest.approx(validity, abs=1e-9)
