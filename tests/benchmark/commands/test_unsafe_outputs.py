"""Output folders and inputs that used to end in a traceback or a write elsewhere (issue 22, cases 7-9, 11).

Each is a subprocess: exit status, one line, no traceback, and nothing written where it must not be.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reports import fake_runs

REPO = Path(__file__).resolve().parents[3]


def bench(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", *argv],
        capture_output=True,
        text=True,
        env=environment,
    )


def one_error_line(done: subprocess.CompletedProcess[str], command: str) -> str:
    lines = [
        line
        for line in done.stderr.splitlines()
        if not line.startswith(("note: ", "warning: ", "bench: note: "))
    ]
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert len(lines) == 1 and lines[0].startswith(f"bench {command}: error: "), done.stderr
    return lines[0]


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    return fake_runs.write_runs_folder(tmp_path)


def test_leaderboard_never_writes_through_a_link_leading_out(runs_dir: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "leaderboard.md").write_text("precious", encoding="utf-8")
    (runs_dir / "leaderboard").symlink_to(victim)
    line = one_error_line(bench("leaderboard", str(runs_dir)), "leaderboard")
    assert "refusing to write through a symbolic link" in line
    assert sorted(p.name for p in victim.iterdir()) == ["leaderboard.md"]
    assert (victim / "leaderboard.md").read_text(encoding="utf-8") == "precious"


def test_report_never_writes_through_a_link_leading_out(runs_dir: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    run_dir = runs_dir / "20240501-nc"
    (run_dir / "report").symlink_to(victim)
    line = one_error_line(bench("report", str(run_dir), "--format", "md,csv"), "report")
    assert "refusing to write through a symbolic link" in line and list(victim.iterdir()) == []


def test_a_linked_file_is_replaced_not_written_through(runs_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("precious", encoding="utf-8")
    (runs_dir / "leaderboard").mkdir()
    (runs_dir / "leaderboard" / "leaderboard.md").symlink_to(outside)
    assert bench("leaderboard", str(runs_dir), "--format", "md").returncode == 0
    assert outside.read_text(encoding="utf-8") == "precious"
    assert not (runs_dir / "leaderboard" / "leaderboard.md").is_symlink()


def test_report_out_that_cannot_be_a_folder_is_one_line(runs_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    run_dir = runs_dir / "20240501-nc"
    line = one_error_line(bench("report", str(run_dir), "--out", str(blocker / "report")), "report")
    assert f"cannot create the folder {blocker / 'report'}" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_report_out_is_one_line(runs_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "read-only"
    out.mkdir()
    out.chmod(0o555)
    line = one_error_line(bench("report", str(runs_dir / "20240501-nc"), "--out", str(out)), "report")
    assert f"cannot write into the folder {out}" in line


def test_cache_variable_naming_a_file_is_one_line(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("x", encoding="utf-8")
    done = bench("eval", "--task", "name-calling", "--model", "tiny", "--runs-dir", str(tmp_path / "runs"),
                 env={"PTC_BENCH_CACHE": str(not_a_folder)})  # fmt: skip
    line = one_error_line(done, "eval")
    assert "PTC_BENCH_CACHE is unusable" in line and str(not_a_folder) in line


def test_runs_dir_that_cannot_be_a_folder_is_one_line(tmp_path: Path) -> None:
    runs = tmp_path / "runs-file"
    runs.write_text("x", encoding="utf-8")
    sample = bench("data", "check")  # materialises the sample corpus in the cache first
    assert sample.returncode == 0, sample.stderr
    done = bench("eval", "--task", "name-calling", "--model", "tiny", "--runs-dir", str(runs))
    assert str(runs) in one_error_line(done, "eval")


def test_a_deeply_nested_results_file_is_skipped_with_one_warning(runs_dir: Path) -> None:
    bad = runs_dir / "zz-bad"
    bad.mkdir()
    (bad / "results.json").write_text("[" * 100_000, encoding="utf-8")
    for command in (["leaderboard", str(runs_dir)], ["compare", str(runs_dir), "--no-generate"]):
        done = bench(*command)
        assert done.returncode == 0, done.stderr
        warnings = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
        assert len(warnings) == 1 and "zz-bad" in warnings[0] and "nested too deeply" in warnings[0]
        assert "Traceback" not in done.stderr
    line = one_error_line(bench("report", str(bad)), "report")
    assert "nested too deeply" in line


def test_an_invalid_samples_file_leaves_no_partial_report(runs_dir: Path) -> None:
    run_dir = runs_dir / "20240501-nc"
    (run_dir / "samples.jsonl").write_text('{"not": "a sample"}\n', encoding="utf-8")
    one_error_line(bench("report", str(run_dir)), "report")
    assert not (run_dir / "report").exists() or list((run_dir / "report").iterdir()) == []
