"""The perf table (rich) and perf.json: every row with name, ours, naive, ratio, unit, target, met, notes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.perf.rows import PerfRow

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class PerfReport:
    """All rows of one `bench perf` run and the context needed to read them."""

    rows: tuple[PerfRow, ...]
    context: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The perf.json document."""
        return {
            "schema_version": SCHEMA_VERSION,
            **dict(self.context),
            "rows": [row.to_json() for row in self.rows],
        }


def write_report(report: PerfReport, path: Path) -> None:
    """Write perf.json (UTF-8, indented)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def format_number(value: float | None, unit: str = "") -> str:
    """Compact human form: `-` for missing, thousands separators for big counts, 3 significant digits."""
    if value is None:
        return "-"
    if unit == "tokens" or abs(value) >= 1_000:
        return f"{value:,.0f}"
    if value == 0:
        return "0"
    return f"{value:.3g}"


def format_ratio(ratio: float | None) -> str:
    """`12.3x`, or `-` when there is nothing to compare."""
    return "-" if ratio is None else f"{ratio:.3g}x"


def met_text(row: PerfRow) -> str:
    """yes / NO / skipped / - (informational rows)."""
    if row.skipped:
        return "skipped"
    if row.target == "info":
        return "-"
    return "yes" if row.met else "NO"


def build_table(rows: Sequence[PerfRow], title: str = "bench perf") -> Any:
    """A rich Table: one line per row, sections separated."""
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column, justify in (
        ("section", "left"),
        ("measure", "left"),
        ("ours", "right"),
        ("naive", "right"),
        ("ratio", "right"),
        ("unit", "left"),
        ("target", "left"),
        ("met", "left"),
        ("notes", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    previous = None
    for row in rows:
        if previous is not None and row.section != previous:
            table.add_section()
        previous = row.section
        table.add_row(
            row.section,
            row.name,
            format_number(row.ours, row.unit),
            format_number(row.naive, row.unit),
            format_ratio(row.ratio),
            row.unit,
            row.target,
            met_text(row),
            row.notes,
        )
    return table
