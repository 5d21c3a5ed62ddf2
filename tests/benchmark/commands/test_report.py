"""`bench report RUN_DIR`: every format written from the fake run folder; errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image
import pytest

from ptc_bench.benchmark.cli import main
from tests.reports import fake_runs


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return fake_runs.write_runs_folder(tmp_path) / "20240501-nc"


def test_report_writes_every_format(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(run_dir)]) == 0
    out = run_dir / "report"
    expected = {
        "report.md",
        "report.html",
        "summary.json",
        "metrics.png",
        "run.csv",
        "scores.csv",
        "parse-errors.csv",
        "counts.csv",
        "per-technique.csv",
    }
    assert expected <= {p.name for p in out.iterdir()}
    assert "![metrics](metrics.png)" in (out / "report.md").read_text(encoding="utf-8")
    assert matplotlib.image.imread(out / "metrics.png").ndim == 3
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    flc = next(row for row in summary["tables"]["scores"] if row["metric"] == "flc_f1")
    assert flc["adapted"] == pytest.approx(0.5) and flc["base CI"] == pytest.approx([0.1, 0.3])
    assert "flc_f1" in capsys.readouterr().out


def test_report_selected_formats_and_out(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    assert main(["report", str(run_dir), "--format", "md,html", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.md"]
    assert "metrics.png" not in (out / "report.md").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in (out / "report.html").read_text(encoding="utf-8")


def test_unknown_format_exits_2(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(run_dir), "--format", "md,pdf"]) == 2
    assert "unknown format pdf; choose from md,html,csv,png,json" in capsys.readouterr().err


def test_malformed_results_exits_2_with_the_json_path(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    del document["systems"]["base"]["counts"]["n_samples"]
    (run_dir / "results.json").write_text(json.dumps(document), encoding="utf-8")
    assert main(["report", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert "results.json: $.systems.base.counts: 'n_samples' is a required property" in err
