"""reports/ must stay importable without the model stack."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "ptc_bench.reports.results",
    "ptc_bench.reports.tables",
    "ptc_bench.reports.run_report",
    "ptc_bench.reports.board_report",
    "ptc_bench.reports.plots",
    "ptc_bench.reports.sample_browser",
    "ptc_bench.benchmark.commands.report",
    "ptc_bench.benchmark.commands.leaderboard",
    "ptc_bench.benchmark.commands.compare",
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
