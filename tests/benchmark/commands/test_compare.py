"""`bench compare RUNS_DIR`: matrix, diagonal and heatmap; missing cross-evaluations generated or reported."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image
import pandas as pd
import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.run import cross_eval
from ptc_bench.benchmark.run.cross_eval import CrossEvalJob
from tests.reports import fake_runs


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    return fake_runs.write_runs_folder(tmp_path)


def test_no_generate_tabulates_what_exists(runs_dir: Path) -> None:
    assert main(["compare", str(runs_dir), "--no-generate"]) == 0
    out = runs_dir / "compare"
    assert {p.name for p in out.iterdir()} == {
        "compare.md",
        "heatmap.png",
        "compare-matrix.csv",
        "compare-diagonal.csv",
    }
    matrix = pd.read_csv(out / "compare-matrix.csv", dtype=str, keep_default_na=False)
    assert matrix.values.tolist() == [
        ["base", "0.200", "0.100"],
        ["name-calling", "0.500", "0.150"],
        ["slogans", "", "0.400"],
    ]
    assert "- slogans adapter on name-calling" in (out / "compare.md").read_text(encoding="utf-8")
    assert (out / "heatmap.png").stat().st_size > 1024
    assert matplotlib.image.imread(out / "heatmap.png").ndim == 3


def test_generation_fills_the_missing_pairs(
    runs_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = fake_runs
    jobs: list[CrossEvalJob] = []
    engines: list[str | None] = []

    def run_cross_evaluation(
        job: CrossEvalJob, *, trust_remote_code: bool = False, engine: str | None = None
    ) -> Path:
        jobs.append(job)
        engines.append(engine)
        document = fake.results_dict(
            "20240506-slogans-on-nc",
            job.eval_task,
            kind="eval",
            created="2024-05-06T10:00:00+00:00",
            adapter_task=job.adapter_task,
            adapter_hash=job.adapter_hash,
            base_f1=None,
            adapted_f1=0.05,
        )
        return fake.write_run(job.out_dir, document) / "results.json"

    monkeypatch.setattr(cross_eval, "run_cross_evaluation", run_cross_evaluation)
    assert main(["compare", str(runs_dir), "--format", "csv,md"]) == 0
    assert [(j.adapter_task, j.eval_task) for j in jobs] == [("slogans", "name-calling")]
    assert engines == [None]  # --engine recorded (the default): each source run's own engine
    matrix = pd.read_csv(runs_dir / "compare" / "compare-matrix.csv", dtype=str)
    assert matrix.set_index("adapter (trained for)").loc["slogans", "name-calling"] == "0.050"
    assert "Missing cross-evaluations" not in (runs_dir / "compare" / "compare.md").read_text(
        encoding="utf-8"
    )
    assert "slogans adapter on name-calling" in capsys.readouterr().err
    # a second call finds the cached result and generates nothing
    jobs.clear()
    assert main(["compare", str(runs_dir), "--format", "csv"]) == 0
    assert jobs == []


def test_an_engine_named_on_compare_reaches_every_cross_evaluation(
    runs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engines: list[str | None] = []

    def run_cross_evaluation(
        job: CrossEvalJob, *, trust_remote_code: bool = False, engine: str | None = None
    ) -> Path:
        engines.append(engine)
        document = fake_runs.results_dict(
            "20240506-slogans-on-nc", job.eval_task, kind="eval", created="2024-05-06T10:00:00+00:00",
            adapter_task=job.adapter_task, adapter_hash=job.adapter_hash, base_f1=None, adapted_f1=0.05,
        )  # fmt: skip
        return fake_runs.write_run(job.out_dir, document) / "results.json"

    monkeypatch.setattr(cross_eval, "run_cross_evaluation", run_cross_evaluation)
    assert main(["compare", str(runs_dir), "--format", "csv", "--engine", "hf"]) == 0
    assert engines == ["hf"]


def test_metric_option(runs_dir: Path, tmp_path: Path) -> None:
    assert (
        main(
            [
                "compare",
                str(runs_dir),
                "--no-generate",
                "--metric",
                "si-f1",
                "--format",
                "csv",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    matrix = pd.read_csv(tmp_path / "compare-matrix.csv", dtype=str)
    assert matrix.set_index("adapter (trained for)").loc["base", "name-calling"] == "0.300"


def test_trust_remote_code_comes_from_the_flag_never_from_a_manifest(
    runs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from ptc_bench.benchmark.run import cross_eval
    from ptc_bench.benchmark.stage.spec import RunSpec

    planted = RunSpec(task="slogans", model=str(tmp_path / "model-with-custom-code")).identity()
    planted["trust_remote_code"] = True  # a run folder that asks for code execution
    manifest = {"identity": planted, "data_option": None}
    (runs_dir / "20240502-slogans" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    specs: list[RunSpec] = []
    written: list[Path] = []

    def fake_run_benchmark(spec: RunSpec, report: object = None, *, run_dir: Path) -> Path:
        specs.append(spec)
        written.append(run_dir)
        document = fake_runs.results_dict(
            "20240506-slogans-on-nc",
            spec.task,
            kind="eval",
            created="2024-05-06T10:00:00+00:00",
            adapter_task="slogans",
            adapter_hash="b" * 64,
            base_f1=None,
            adapted_f1=0.05,
        )
        return fake_runs.write_run(run_dir, document)

    monkeypatch.setattr(cross_eval, "run_benchmark", fake_run_benchmark)
    assert main(["compare", str(runs_dir), "--format", "csv"]) == 0
    assert [(s.task, s.model, s.trust_remote_code) for s in specs] == [
        ("name-calling", str(tmp_path / "model-with-custom-code"), False)
    ]
    shutil.rmtree(written[0])  # the cross-evaluation is missing again
    assert main(["compare", str(runs_dir), "--format", "csv", "--trust-remote-code"]) == 0
    assert [s.trust_remote_code for s in specs] == [False, True]


def test_a_missing_or_broken_manifest_is_one_line_naming_it(
    runs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = runs_dir / "20240502-slogans" / "manifest.json"
    manifest.write_text('{"identity": ', encoding="utf-8")
    assert main(["compare", str(runs_dir), "--format", "csv"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith("[1/1] slogans adapter on name-calling")
    assert err[1].startswith(f"bench compare: error: {manifest}: cannot read the run's manifest")
    manifest.write_text('{"identity": {"model": "tiny"}}', encoding="utf-8")
    assert main(["compare", str(runs_dir), "--format", "csv"]) == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("the run's identity has no 'quantization'")
