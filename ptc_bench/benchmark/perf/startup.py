"""Start-up: wall time of `bench --help`, `bench tasks` and of importing the scoring modules, each in a
fresh subprocess (best of N), against a CLI that would import the model stack eagerly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ptc_bench.benchmark.perf.rows import PerfRow, Target, make_row

SECTION = "start-up"
METRICS_IMPORT = "import ptc_bench.metrics.semeval, ptc_bench.metrics.parse, ptc_bench.metrics.align"
EAGER_IMPORT = "import torch, transformers, peft, trl, bitsandbytes"


def bench_command() -> list[str]:
    """The installed `bench` script next to this interpreter, else `python -m benchmark.cli`."""
    script = Path(sys.executable).with_name("bench")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "ptc_bench.benchmark.cli"]


def command_seconds(argv: Sequence[str], repeats: int) -> float:
    """Best wall time of `repeats` runs of a command (output discarded; a failure raises)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    best = float("inf")
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        subprocess.run(list(argv), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        best = min(best, time.perf_counter() - started)
    return best


def startup_rows(data_dir: Path, *, repeats: int, eager_repeats: int) -> list[PerfRow]:
    """Three rows with target < 1 s; the naive column is one eager import of the model stack."""
    bench = bench_command()
    eager = command_seconds([sys.executable, "-c", EAGER_IMPORT], eager_repeats)
    eager_note = (
        f"naive: `python -c '{EAGER_IMPORT}'` (a CLI importing its model stack at start), "
        f"best of {eager_repeats}"
    )
    measured = [
        ("bench --help", [*bench, "--help"]),
        ("bench tasks", [*bench, "tasks", "--data-dir", str(data_dir)]),
        ("import metrics (semeval, parse, align)", [sys.executable, "-c", METRICS_IMPORT]),
    ]
    rows = []
    for name, argv in measured:
        rows.append(
            make_row(
                SECTION,
                name,
                ours=command_seconds(argv, repeats),
                naive=eager,
                unit="s",
                target=Target("ours_below", 1.0, "s"),
                notes=f"fresh process, best of {repeats}, interpreter start included; {eager_note}",
            )
        )
    return rows
