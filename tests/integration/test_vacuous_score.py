"""Articles with no gold span for the task and a model that predicts nothing: undefined, not 1.000."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_no_gold_and_no_predictions_is_undefined_and_not_ranked(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    for part in ("train-articles", "train-labels-task-flc-tc"):
        shutil.copytree(sample_dir / part, data / part)
    (data / "dev-articles").mkdir()
    (data / "dev-labels-task-flc-tc").mkdir()
    for article in sorted((sample_dir / "dev-articles").iterdir())[:2]:
        (data / "dev-articles" / article.name).write_bytes(article.read_bytes())
        label = article.name.replace(".txt", ".task-flc-tc.labels")
        (data / "dev-labels-task-flc-tc" / label).write_text("", encoding="utf-8")  # no gold at all
    runs = tmp_path / "runs"
    argv = ["eval", "--task", "name-calling", "--model", str(tiny_path), "--data-dir", str(data)]
    argv += ["--runs-dir", str(runs), "--max-new-tokens", "4", "--iterations", "20"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (run_dir,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    metrics = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))["systems"]["base"]["metrics"]
    for name in ("si_f1", "exact_f1", "flc_f1"):
        assert metrics[name] == {"value": None, "ci": None}, name
    assert "1.000 (1.00–1.00)" not in result.stdout
    assert "SI F1 is undefined" in result.stdout
    board = subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", "leaderboard", str(runs), "--metric", "si_f1"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert board.returncode == 0, board.stderr
    assert "si_f1 undefined for base" in board.stdout
