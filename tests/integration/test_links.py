"""Nothing is written through a symbolic link planted in a run or runs folder (reliability round 4, case 1):
the lock, run.log and the completion cache refuse the link in one line, and its target is untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

VICTIM_TEXT = "precious data\n"


def _eval(tiny: Path, data: Path, runs: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "ptc_bench.benchmark.cli", "eval", "--task", "name-calling"]
    argv += ["--model", str(tiny), "--data-dir", str(data), "--runs-dir", str(runs)]
    argv += ["--limit-articles", "1", "--max-new-tokens", "8", "--iterations", "0"]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.integration
@pytest.mark.parametrize("planted", [".lock", "run.log", "cache"])
def test_a_link_in_a_run_folder_is_refused_and_its_target_untouched(
    planted: str, tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    first = _eval(tiny_path, sample_dir, runs)
    assert first.returncode == 0, first.stderr
    (run_dir,) = runs.glob("name-calling__*")
    victim = tmp_path / "victim.txt"
    victim.write_text(VICTIM_TEXT, encoding="utf-8")
    link = runs / "cache" / "completions.jsonl" if planted == "cache" else run_dir / planted
    link.unlink()
    link.symlink_to(victim)

    again = _eval(tiny_path, sample_dir, runs)
    assert again.returncode == 2, again.stderr
    errors = [line for line in again.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "Traceback" not in again.stderr
    assert str(link) in errors[0] and "refusing to write through it" in errors[0]
    assert victim.read_text(encoding="utf-8") == VICTIM_TEXT
    assert link.is_symlink()
