"""`bench run` end to end on the sample corpus with a fast tiny model: files, reuse, kill + resume."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import ptc_bench
from ptc_bench.benchmark.cli import main
from ptc_bench.reports.results import load_results, load_samples

REPO = Path(__file__).resolve().parents[2]


def run_args(tiny: Path, runs: Path, data: Path, *extra: str) -> list[str]:
    return [
        "run",
        "--data-dir",
        str(data),
        "--task",
        "name-calling",
        "--model",
        str(tiny),
        "--runs-dir",
        str(runs),
        "--limit-articles",
        "2",
        "--window-chars",
        "500",
        "--max-steps",
        "3",
        "--max-new-tokens",
        "48",
        "--iterations",
        "50",
        *extra,
    ]


def _cache_keys(runs: Path) -> Counter[str]:
    lines = (runs / "cache" / "completions.jsonl").read_text(encoding="utf-8").splitlines()
    return Counter(json.loads(line)["key"] for line in lines if line.strip())


def test_run_writes_a_complete_run_folder_and_reuses_it(
    tiny_path: Path, sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = tmp_path / "runs"
    assert main(run_args(tiny_path, runs, sample_dir)) == 0
    out = capsys.readouterr()
    (run_dir,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    for name in (
        "manifest.json",
        "results.json",
        "samples.jsonl",
        "predictions/base-flc.txt",
        "predictions/adapted-si.txt",
        "train/adapter/adapter_config.json",
        "train/manifest.json",
    ):
        assert (run_dir / name).is_file(), name
    results = load_results(run_dir / "results.json")  # validates against the schema
    assert set(results.systems) == {"base", "adapted"}
    assert results.kind == "run" and results.task == "name-calling"
    assert isinstance(results.adapter_changes_outputs, bool)
    assert results.oracle is not None and 0 < results.oracle["si_f1"] <= 1
    samples = load_samples(run_dir / "samples.jsonl")
    assert len(samples) == 2 * results.data.n_windows
    base = results.systems["base"]
    assert base.counts.n_samples == results.data.n_windows
    assert base.counts.n_gold_spans == sum(len(s.gold) for s in samples if s.system == "base")
    assert {c.metric for c in results.comparisons} >= {"si_f1", "flc_f1", "exact_f1"}
    assert "json_validity" in out.out and "adapted − base" in out.out
    assert "on SI F1" in out.out  # the one-sentence verdict under the table
    assert (run_dir / "run.log").is_file()  # library output goes there, not to the console
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "success" and manifest["error"] is None
    assert manifest["started"] <= manifest["finished"]
    assert manifest["toolkit"]["version"] == ptc_bench.__version__
    assert re.fullmatch("[0-9a-f]{40}", manifest["toolkit"]["commit"])  # run from this checkout
    assert isinstance(manifest["toolkit"]["dirty"], bool)
    assert "Loading weights" not in out.err and "FutureWarning" not in out.err and "it/s]" not in out.err

    # A second run reuses the adapter and every completion.
    assert main(run_args(tiny_path, runs, sample_dir)) == 0
    err = capsys.readouterr().err
    assert "reusing the adapter" in err
    n = 2 * results.data.n_windows
    assert f"{n // 2} of {n // 2} completions came from the cache" in err


def test_killed_run_resumes_without_regenerating(tiny_path: Path, sample_dir: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    args = run_args(tiny_path, runs, sample_dir, "--batch-size", "1", "--max-new-tokens", "96")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cache = runs / "cache" / "completions.jsonl"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if cache.is_file() and len(cache.read_text(encoding="utf-8").splitlines()) >= 2:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed mid-generation"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    cached_before = _cache_keys(runs)
    assert cached_before, "nothing was cached before the kill"
    (killed,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    record = json.loads((killed / "manifest.json").read_text(encoding="utf-8"))
    assert record["status"] == "running" and record["started"] and record["finished"] is None
    assert record["identity"]["task"] == "name-calling" and record["identity"]["data_hash"]

    assert main(args) == 0
    after = _cache_keys(runs)
    # Every completion cached before the kill is still there once, and nothing was generated twice.
    assert all(count == 1 for count in after.values())
    assert set(cached_before) <= set(after)
    (run_dir,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    results = load_results(run_dir / "results.json")
    assert len(after) == 2 * results.data.n_windows
    assert json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["status"] == "success"


def test_a_run_that_fails_or_is_interrupted_says_so_in_its_manifest(
    tiny_path: Path, sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptc_bench.benchmark.approaches.generate import GenerateApproach
    from ptc_bench.core.errors import UserError

    def fail(*_args: object, **_kwargs: object) -> None:
        raise UserError("the model refused\nsecond line")

    runs = tmp_path / "runs"
    monkeypatch.setattr(GenerateApproach, "run_stage", fail)
    assert main(run_args(tiny_path, runs, sample_dir)) == 2
    (run_dir,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    record = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert (record["status"], record["error"]) == ("error", "the model refused")
    assert record["finished"] >= record["started"]

    def interrupt(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(GenerateApproach, "run_stage", interrupt)
    assert main(run_args(tiny_path, runs, sample_dir)) == 130
    record = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert (record["status"], record["error"]) == ("interrupted", None)


def test_run_with_a_given_adapter_compares_base_with_it_without_training(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    """`bench run --adapter DIR`: base vs that adapter, paired, with no training of its own."""
    adapter_run = tmp_path / "first"
    assert main(run_args(tiny_path, adapter_run, sample_dir)) == 0
    (trained,) = adapter_run.glob("name-calling__*/train/adapter")
    runs = tmp_path / "runs"
    assert main([*run_args(tiny_path, runs, sample_dir), "--adapter", str(trained)]) == 0
    (run_dir,) = runs.glob("name-calling__*")
    assert not (run_dir / "train").exists()
    results = load_results(run_dir)
    assert results.kind == "run" and set(results.systems) == {"base", "adapted"}
    assert results.comparison("si_f1") is not None
    assert results.adapter is not None  # recorded relative to the run folder
    assert (run_dir / results.adapter.path).resolve() == trained.resolve()
    first = load_results(next(adapter_run.glob("name-calling__*")))
    assert results.adapter.hash == first.adapter.hash  # type: ignore[union-attr]
    assert results.systems["adapted"].metrics["si_f1"] == first.systems["adapted"].metrics["si_f1"]


def test_one_adapter_for_every_technique_is_refused(tiny_path: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", "run", "--task", "all", "--model", str(tiny_path),
         "--adapter", str(tmp_path), "--runs-dir", str(tmp_path / "runs")],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .endswith("--adapter belongs to one task; --task all trains one adapter per technique")
    )
    assert not (tmp_path / "runs").exists()
