"""`bench run` under `accelerate launch` with 2 CPU processes (gloo): one run folder, sharded generation."""

from __future__ import annotations

import json
from pathlib import Path

from ptc_bench.reports.results import load_results
from tests.cpu_launch import launch_two_cpu_processes
from tests.integration.test_run import run_args


# ~25 s on 2 quiet cores: two processes import the model stack, train 3 steps and generate.
def test_two_process_run_on_cpu(tiny_path: Path, sample_dir: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    result = launch_two_cpu_processes("-m", "ptc_bench.benchmark.cli", *run_args(tiny_path, runs, sample_dir))
    assert result.returncode == 0, result.stderr[-3000:]
    (run_dir,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["world_size"] == 2
    results = load_results(run_dir / "results.json")
    lines = (run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * results.data.n_windows  # gathered once, written once (rank 0)
    assert not list((runs / "cache").glob("*.rank*.jsonl"))  # rank shards merged into the cache
    assert result.stdout.count("adapted − base") == 1  # only rank 0 prints the summary
