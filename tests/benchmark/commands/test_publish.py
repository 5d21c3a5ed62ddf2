"""`bench publish RUN_DIR`: scores, manifest, predictions and report copied; nothing else, nothing big."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.reports.results import load_results
from tests.reports import fake_runs


def _data_dir(root: Path) -> Path:
    """The two dev articles of the fake runs, with one gold name-calling span in article 111."""
    data = fake_runs.write_data_dir(root / "data")
    labels = data / "dev-labels-task-flc-tc"
    labels.mkdir()
    (labels / "article111.task-flc-tc.labels").write_text(f"111\t{fake_runs.NC}\t4\t15\n", encoding="utf-8")
    (labels / "article222.task-flc-tc.labels").write_text("", encoding="utf-8")
    return data


def _finished_run(root: Path) -> Path:
    """A run whose predictions re-score to its numbers: adapted finds the gold span (F1 1), base nothing."""
    results = fake_runs.results_dict(data_dir=str(_data_dir(root)))
    results["adapter"]["path"] = "train/adapter"
    for system, value in (("base", 0.0), ("adapted", 1.0)):
        for metric in ("si_f1", "flc_f1"):
            results["systems"][system]["metrics"][metric]["value"] = value
    run_dir = fake_runs.write_run(root / "20240501-nc", results, fake_runs.samples_for())
    (run_dir / "manifest.json").write_text(
        json.dumps({"identity": {"task": "name-calling"}}), encoding="utf-8"
    )
    (run_dir / "predictions").mkdir()
    (run_dir / "predictions" / "adapted-si.txt").write_text("111\t4\t15\n", encoding="utf-8")
    (run_dir / "predictions" / "adapted-flc.txt").write_text(
        f"111\t{fake_runs.NC}\t4\t15\n", encoding="utf-8"
    )
    for kind in ("si", "flc"):
        (run_dir / "predictions" / f"base-{kind}.txt").write_text("", encoding="utf-8")
    (run_dir / "train" / "adapter").mkdir(parents=True)
    (run_dir / "train" / "adapter" / "adapter_model.safetensors").write_bytes(b"\0" * 64)
    (run_dir / "train" / "manifest.json").write_text(
        json.dumps({"kind": "adapter", "task": "name-calling", "hyperparameters": {"lora_r": 16}}),
        encoding="utf-8",
    )
    (run_dir / "run.log").write_text("log\n", encoding="utf-8")
    return run_dir


def test_publish_copies_scores_manifest_predictions_and_a_report_only(tmp_path: Path) -> None:
    run_dir = _finished_run(tmp_path / "runs")
    destination = tmp_path / "results" / "ptc-dev"
    assert main(["publish", str(run_dir), "--to", str(destination)]) == 0
    target = destination / "20240501-nc"
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert files == [
        "manifest.json",
        "predictions/adapted-flc.txt",
        "predictions/adapted-si.txt",
        "predictions/base-flc.txt",
        "predictions/base-si.txt",
        "report.md",
        "results.json",
        "train-manifest.json",
    ]
    assert (target / "train-manifest.json").read_bytes() == (run_dir / "train" / "manifest.json").read_bytes()
    assert (target / "results.json").read_bytes() == (run_dir / "results.json").read_bytes()
    assert load_results(target / "results.json").run_id == "20240501-nc"
    assert (target / "report.md").read_text(encoding="utf-8").startswith("# Run report: 20240501-nc")
    # publishing again replaces the copy (a file of the earlier copy that is gone now does not survive)
    (target / "predictions" / "stale.txt").write_text("old\n", encoding="utf-8")
    assert main(["publish", str(run_dir), "--to", str(destination)]) == 0
    assert not (target / "predictions" / "stale.txt").exists()
    assert [p.name for p in destination.iterdir()] == ["20240501-nc"]  # no staging folder left


def test_publish_refuses_a_file_over_one_megabyte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = _finished_run(tmp_path / "runs")
    (run_dir / "predictions" / "adapted-si.txt").write_text("111\t4\t15\n" * 150_000, encoding="utf-8")
    assert main(["publish", str(run_dir), "--to", str(tmp_path / "out")]) == 2
    assert "over the 1 MB a published file may have" in capsys.readouterr().err
    assert not (tmp_path / "out" / "20240501-nc").exists()


def test_publish_refuses_an_unfinished_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = _finished_run(tmp_path / "runs")
    (run_dir / "manifest.json").unlink()
    assert main(["publish", str(run_dir), "--to", str(tmp_path / "out")]) == 2
    assert "manifest.json: missing; publish a finished run folder" in capsys.readouterr().err


def test_publish_refuses_numbers_its_predictions_do_not_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reliability round 4, case 16: a tampered results.json is not published."""
    run_dir = _finished_run(tmp_path / "runs")
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    results["systems"]["base"]["metrics"]["si_f1"]["value"] = 0.99
    (run_dir / "results.json").write_text(json.dumps(results), encoding="utf-8")
    assert main(["publish", str(run_dir), "--to", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "bench publish: error: 20240501-nc: results.json says base si_f1 = 0.990000, "
        "its predictions re-score to 0.000000"
    )
    assert not (tmp_path / "out").exists()


def test_publish_never_copies_a_links_target_nor_stray_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reliability round 4, case 2: a link planted among the predictions publishes nothing secret."""
    run_dir = _finished_run(tmp_path / "runs")
    secret = tmp_path / "secret.txt"
    secret.write_text("111\t0\t3\n", encoding="utf-8")  # even in the official format
    (run_dir / "predictions" / "zz-si.txt").symlink_to(secret)
    destination = tmp_path / "out"
    assert main(["publish", str(run_dir), "--to", str(destination)]) == 0
    published = sorted(p.name for p in (destination / "20240501-nc" / "predictions").iterdir())
    assert published == ["adapted-flc.txt", "adapted-si.txt", "base-flc.txt", "base-si.txt"]
    capsys.readouterr()
    (run_dir / "predictions" / "adapted-si.txt").unlink()
    (run_dir / "predictions" / "adapted-si.txt").symlink_to(secret)
    assert main(["publish", str(run_dir), "--to", str(tmp_path / "again")]) == 2
    assert "adapted-si.txt: a symbolic link; refusing to publish what it points to" in capsys.readouterr().err
    assert not (tmp_path / "again").exists()


def test_publish_refuses_a_prediction_file_out_of_the_official_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = _finished_run(tmp_path / "runs")
    (run_dir / "predictions" / "base-flc.txt").write_text("111 no tabs here\n", encoding="utf-8")
    assert main(["publish", str(run_dir), "--to", str(tmp_path / "out")]) == 2
    assert "20240501-nc: base-flc.txt is not in the official format" in capsys.readouterr().err


def test_leaderboard_verify_ranks_only_runs_whose_predictions_give_their_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reliability round 4, case 16: `bench leaderboard --verify` re-scores on demand."""
    good = _finished_run(tmp_path / "runs" / "a")
    tampered = _finished_run(tmp_path / "runs" / "b")
    results = json.loads((tampered / "results.json").read_text(encoding="utf-8"))
    results["run_id"] = "tampered"
    results["systems"]["adapted"]["metrics"]["flc_f1"]["value"] = 0.5
    (tampered / "results.json").write_text(json.dumps(results), encoding="utf-8")
    argv = ["leaderboard", str(tmp_path / "runs"), "--out", str(tmp_path / "board"), "--format", "csv"]
    assert main([*argv, "--verify"]) == 0
    captured = capsys.readouterr()
    assert "verified 1 of 2 runs against their predictions" in captured.err
    assert (
        "not ranked: tampered" not in captured.err
        and f"{tampered.name}: results.json says adapted flc_f1" in captured.err
    )
    ranked = (tmp_path / "board" / "leaderboard.csv").read_text(encoding="utf-8")
    assert good.name in ranked
    assert main(argv) == 0  # without --verify both are ranked as they say
    capsys.readouterr()


@pytest.mark.parametrize("odd", ["a file", "a linked folder", "a link at the run's copy"])
def test_publish_to_an_odd_destination_is_one_line_and_leaves_nothing(
    odd: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reliability round 4, case 8."""
    run_dir = _finished_run(tmp_path / "runs")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    destination = tmp_path / "out"
    if odd == "a file":
        destination.write_text("x", encoding="utf-8")
        expected = "not a folder"
    elif odd == "a linked folder":
        destination.symlink_to(elsewhere)
        expected = "is a symbolic link; refusing to publish through it"
    else:
        destination.mkdir()
        (destination / run_dir.name).symlink_to(elsewhere)
        expected = "is a symbolic link; refusing to publish through it"
    assert main(["publish", str(run_dir), "--to", str(destination)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected in err, err
    assert list(elsewhere.iterdir()) == []  # nothing written through a link
    if destination.is_dir() and not destination.is_symlink():
        assert [p.name for p in destination.iterdir()] == [run_dir.name]  # no staging left
