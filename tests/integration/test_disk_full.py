"""A disk that fills while the run folder is written: one line naming the file, the folder as it was."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _limit_file_size() -> None:
    """In the child: files may not grow past 2,000 bytes (EFBIG, as a full disk gives ENOSPC)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2_000, 2_000))


def _files(run_dir: Path) -> dict[Path, bytes]:
    """Every file of the run folder but its lock (which holds the pid of the last process)."""
    files = [p for p in run_dir.rglob("*") if p.is_file() and p.name != ".lock"]
    return {p.relative_to(run_dir): p.read_bytes() for p in files}


def test_a_failed_run_folder_write_leaves_the_old_files_and_no_temporaries(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    argv = [
        sys.executable,
        "-m",
        "ptc_bench.benchmark.cli",
        "eval",
        "--task",
        "name-calling",
        "--model",
        str(tiny_path),
    ]
    argv += ["--data-dir", str(sample_dir), "--limit-articles", "1", "--iterations", "0"]
    argv += ["--runs-dir", str(runs), "--max-new-tokens", "8"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    (run_dir,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    before = _files(run_dir)
    assert len(before[Path("results.json")]) > 2_000  # the write that will fail
    full = subprocess.run(
        argv, capture_output=True, text=True, env=env, check=False, preexec_fn=_limit_file_size
    )
    errors = [line for line in full.stderr.splitlines() if "error" in line.lower()]
    assert full.returncode == 2, full.stderr
    assert len(errors) == 1 and errors[0].startswith("bench eval: error: cannot write "), full.stderr
    assert "results.json" in errors[0] and "Traceback" not in full.stderr
    after = _files(run_dir)
    record = json.loads(after.pop(Path("manifest.json")))  # the failed attempt is on record
    assert record["status"] == "error" and record["error"].startswith("cannot write ")
    before.pop(Path("manifest.json"))
    assert after == before  # no new results.json beside old samples, no temporaries
