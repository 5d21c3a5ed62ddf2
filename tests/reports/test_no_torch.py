"""reports/ must stay importable without the model stack."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "reports.results",
    "reports.tables",
    "reports.run_report",
    "reports.board_report",
    "reports.plots",
    "reports.sample_browser",
    "benchmark.commands.report",
    "benchmark.commands.leaderboard",
    "benchmark.commands.compare",
]


def test_reports_never_import_torch() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in MODULES)
        + "heavy = [m for m in ('torch', 'transformers', 'peft', 'trl', 'bitsandbytes')"
        + " if m in sys.modules]\n"
        + "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
