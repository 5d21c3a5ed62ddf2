"""`bench perf --quick --model tiny` end to end (slow: minutes, builds the tiny model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.perf.gpu import row_names

EXPECTED_ROWS = {
    "processed tokens / epoch",
    "loss-bearing tokens / epoch",
    "minimum possible tokens / epoch",
    "wall time / epoch vs notebook (extrapolated)",
    "wall time / epoch vs default before",
    "peak memory, training process",
    "empty windows capped at 1 vs all kept (tokens / epoch)",
    "one-line training prompt vs the task's instruction (tokens / epoch)",
    "fp32 vs 4-bit NF4 (s / window)",
    "gradient checkpointing off vs on (s / window)",
    "batch 4 vs batch 1, length-grouped (s / window)",
    "one-line training prompt vs the task's instruction (s / window)",
    "windows / s",
    "new tokens / window",
    "stop at the closed JSON vs at eos or the limit, batch 1 (windows / s)",
    "batch 2 vs one at a time, both to eos or the limit (windows / s)",
    "shared-prefix KV cache reused vs recomputed, batch 1 + JSON stop (windows / s)",
    "full dev SI + FLC",
    "bench score --task si (end to end)",
    "bench score --task flc (end to end)",
    "bench --help",
    "bench tasks",
    "import metrics (semeval, parse, align)",
    "peak RSS, QLoRA vs fp32 LoRA (CPU)",
    "peak RSS above import baseline (CPU)",
    "peak CUDA allocated, QLoRA vs 16-bit LoRA",
} | {name for name, _unit in row_names()}


@pytest.mark.slow
def test_bench_perf_quick_writes_well_formed_perf_json(tmp_path: Path) -> None:
    out = tmp_path / "perf.json"
    assert main(["perf", "--quick", "--model", "tiny", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    rows = data["rows"]
    assert {row["name"] for row in rows} >= EXPECTED_ROWS
    assert data["quick"] is True and isinstance(data["data"]["is_sample"], bool)
    for row in rows:
        assert isinstance(row["met"], bool), row
        assert set(row) >= {"name", "ours", "naive", "ratio", "unit", "target", "met", "notes"}
        if row["skipped"]:
            assert row["met"] is False and row["notes"]
            continue
        assert row["ours"] is not None and row["ours"] >= 0, row
        for key in ("naive", "ratio"):
            assert row[key] is None or row[key] > 0, row
    measured = [row for row in rows if not row["skipped"]]
    assert all(row["ours"] > 0 for row in measured if row["unit"] != "MiB")
