"""One process per run folder: the second one stops with a clear line; the lock dies with its holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ptc_bench.benchmark.run.runner import run_benchmark
from ptc_bench.benchmark.stage.lock import LOCK_NAME, run_folder_lock
from ptc_bench.benchmark.stage.spec import RunSpec
from ptc_bench.core.errors import UserError

HOLD_SCRIPT = """
import sys, time
from pathlib import Path
from ptc_bench.benchmark.stage.lock import run_folder_lock
with run_folder_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_second_holder_is_refused_and_the_lock_is_released_after(tmp_path: Path) -> None:
    refused = rf"run is in use by another bench process \(pid {os.getpid()}\)"
    with (
        run_folder_lock(tmp_path / "run"),
        pytest.raises(UserError, match=refused),
        run_folder_lock(tmp_path / "run"),
    ):
        pass
    with run_folder_lock(tmp_path / "run"):  # free again
        assert (tmp_path / "run" / LOCK_NAME).is_file()


def test_a_run_on_a_folder_held_by_another_process_stops_and_kill_9_frees_it(tmp_path: Path) -> None:
    from ptc_bench.benchmark.data.sample import materialise_sample

    run_dir = tmp_path / "runs" / "shared-run"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(run_dir)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        spec = RunSpec(task="name-calling", data_dir=str(materialise_sample()), runs_dir=tmp_path / "runs")
        with pytest.raises(UserError, match=f"in use by another bench process \\(pid {holder.pid}\\)"):
            run_benchmark(spec, report=lambda message: None, run_dir=run_dir)
        assert sorted(p.name for p in run_dir.iterdir()) == [LOCK_NAME]  # nothing was written
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    deadline = time.monotonic() + 5
    while True:  # the kernel drops the lock with its holder
        try:
            with run_folder_lock(run_dir):
                break
        except UserError:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_bench_train_on_an_output_folder_in_use_stops_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ptc_bench.benchmark.cli import main
    from ptc_bench.benchmark.data.sample import materialise_sample

    output = tmp_path / "adapter-out"
    with run_folder_lock(output):
        argv = ["train", "--task", "name-calling", "--model", str(tmp_path), "--output", str(output)]
        argv += ["--data-dir", str(materialise_sample())]  # never the real corpus from PTC_DATA_DIR
        assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"bench train: error: {output} is in use by another bench process")
    assert sorted(p.name for p in output.iterdir()) == [LOCK_NAME]
