"""`bench publish RUN_DIR`: scores, manifest, predictions and report copied; nothing else, nothing big."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.reports.results import load_results
from tests.reports import fake_runs


def _finished_run(root: Path) -> Path:
    results = fake_runs.results_dict()
    results["adapter"]["path"] = "train/adapter"
    run_dir = fake_runs.write_run(root / "20240501-nc", results, fake_runs.samples_for())
    (run_dir / "manifest.json").write_text(
        json.dumps({"identity": {"task": "name-calling"}}), encoding="utf-8"
    )
    (run_dir / "predictions").mkdir()
    (run_dir / "predictions" / "adapted-si.txt").write_text("111\t4\t15\n", encoding="utf-8")
    (run_dir / "predictions" / "adapted-flc.txt").write_text(
        f"111\t{fake_runs.NC}\t4\t15\n", encoding="utf-8"
    )
    (run_dir / "train" / "adapter").mkdir(parents=True)
    (run_dir / "train" / "adapter" / "adapter_model.safetensors").write_bytes(b"\0" * 64)
    (run_dir / "train" / "manifest.json").write_text(
        json.dumps({"kind": "adapter", "task": "name-calling", "hyperparameters": {"lora_r": 16}}),
        encoding="utf-8",
    )
    (run_dir / "run.log").write_text("log\n", encoding="utf-8")
    return run_dir


def test_publish_copies_scores_manifest_predictions_and_a_report_only(tmp_path: Path) -> None:
    run_dir = _finished_run(tmp_path / "runs")
    destination = tmp_path / "results" / "ptc-dev"
    assert main(["publish", str(run_dir), "--to", str(destination)]) == 0
    target = destination / "20240501-nc"
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert files == [
        "manifest.json",
        "predictions/adapted-flc.txt",
        "predictions/adapted-si.txt",
        "report.md",
        "results.json",
        "train-manifest.json",
    ]
    assert (target / "train-manifest.json").read_bytes() == (run_dir / "train" / "manifest.json").read_bytes()
    assert (target / "results.json").read_bytes() == (run_dir / "results.json").read_bytes()
    assert load_results(target / "results.json").run_id == "20240501-nc"
    assert (target / "report.md").read_text(encoding="utf-8").startswith("# Run report: 20240501-nc")
    # publishing again replaces the copy (no stale prediction file survives)
    (run_dir / "predictions" / "adapted-flc.txt").unlink()
    assert main(["publish", str(run_dir), "--to", str(destination)]) == 0
    assert not (target / "predictions" / "adapted-flc.txt").exists()
    assert [p.name for p in destination.iterdir()] == ["20240501-nc"]  # no staging folder left


def test_publish_refuses_a_file_over_one_megabyte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = _finished_run(tmp_path / "runs")
    (run_dir / "predictions" / "adapted-si.txt").write_text("111\t4\t15\n" * 150_000, encoding="utf-8")
    assert main(["publish", str(run_dir), "--to", str(tmp_path / "out")]) == 2
    assert "over the 1 MB a published file may have" in capsys.readouterr().err
    assert not (tmp_path / "out" / "20240501-nc").exists()


def test_publish_refuses_an_unfinished_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = _finished_run(tmp_path / "runs")
    (run_dir / "manifest.json").unlink()
    assert main(["publish", str(run_dir), "--to", str(tmp_path / "out")]) == 2
    assert "manifest.json: missing; publish a finished run folder" in capsys.readouterr().err
