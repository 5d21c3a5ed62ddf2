"""The perf table and perf.json: every row, number formatting, met column."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from ptc_bench.benchmark.perf.report import PerfReport, build_table, format_number, write_report
from ptc_bench.benchmark.perf.rows import Target, make_row, skipped_row

ROWS = (
    make_row(
        "training",
        "processed tokens / epoch",
        ours=1000.0,
        naive=25000.0,
        unit="tokens",
        target=Target("ratio_at_least", 20),
    ),
    make_row(
        "scoring", "full dev SI + FLC", ours=2.5, naive=3.0, unit="s", target=Target("ours_below", 1.0, "s")
    ),
    skipped_row("gpu", "MFU, QLoRA 7B, seq 1,024", unit="fraction", notes="not measured: no CUDA device"),
)


def rendered() -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200).print(build_table(ROWS))
    return buffer.getvalue()


def test_table_lists_every_row_with_ratio_and_verdict() -> None:
    text = rendered()
    assert "processed tokens / epoch" in text
    assert "25x" in text and "yes" in text
    assert "1.2x" in text and "NO" in text  # 3.0 / 2.5, and 2.5 s misses < 1 s
    assert "skipped" in text and "not measured: no CUDA device" in text


def test_number_formatting() -> None:
    assert format_number(None) == "-"
    assert format_number(1234567.0, "tokens") == "1,234,567"
    assert format_number(0.000325, "s") == "0.000325"
    assert format_number(12.345, "s") == "12.3"


def test_perf_json_has_every_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "out" / "perf.json"
    write_report(PerfReport(ROWS, {"quick": True}), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["quick"] is True
    assert [row["name"] for row in data["rows"]] == [row.name for row in ROWS]
    first = data["rows"][0]
    assert set(first) >= {"name", "ours", "naive", "ratio", "unit", "target", "met", "notes"}
    assert first["ratio"] == 25.0 and first["met"] is True
    assert data["rows"][2]["skipped"] is True and data["rows"][2]["ours"] is None
