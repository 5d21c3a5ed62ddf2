"""`bench leaderboard RUNS_DIR`: ranked Markdown/HTML/CSV, metric aliases, runs listed apart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ptc_bench.benchmark.cli import main
from tests.reports import fake_runs


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    return fake_runs.write_runs_folder(tmp_path)


def test_leaderboard_writes_md_html_csv(runs_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["leaderboard", str(runs_dir)]) == 0
    out = runs_dir / "leaderboard"
    assert {p.name for p in out.iterdir()} == {
        "leaderboard.md",
        "leaderboard.html",
        "leaderboard.csv",
        "leaderboard-by-task.csv",
        "leaderboard-excluded.csv",
    }
    ranked = pd.read_csv(out / "leaderboard.csv", dtype=str, keep_default_na=False)
    assert ranked["run"].tolist()[0] == "20240501-nc" and "20240504-other-data" not in set(ranked["run"])
    excluded = pd.read_csv(out / "leaderboard-excluded.csv", dtype=str)
    assert (
        excluded.set_index("run").loc["20240505-validation", "reason"] == "split is 'validation', not 'dev'"
    )
    console = capsys.readouterr().out
    assert "Ranking" in console and "Not ranked" in console


@pytest.mark.parametrize("typed", ["flc_f1", "FLC-F1"])
def test_metric_aliases_give_the_same_board(runs_dir: Path, tmp_path: Path, typed: str) -> None:
    assert main(["leaderboard", str(runs_dir), "--format", "md", "--out", str(tmp_path / "a")]) == 0
    assert (
        main(
            ["leaderboard", str(runs_dir), "--metric", typed, "--format", "md", "--out", str(tmp_path / "b")]
        )
        == 0
    )
    assert (tmp_path / "a" / "leaderboard.md").read_text() == (tmp_path / "b" / "leaderboard.md").read_text()


def test_other_split_is_ranked_on_request(runs_dir: Path, tmp_path: Path) -> None:
    assert (
        main(
            ["leaderboard", str(runs_dir), "--split", "validation", "--format", "csv", "--out", str(tmp_path)]
        )
        == 0
    )
    ranked = pd.read_csv(tmp_path / "leaderboard.csv", dtype=str)
    assert set(ranked["run"]) == {"20240505-validation"}


def test_unknown_metric_exits_2(runs_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["leaderboard", str(runs_dir), "--metric", "accuracy"]) == 2
    assert "unknown metric 'accuracy'" in capsys.readouterr().err


def test_empty_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["leaderboard", str(tmp_path)]) == 2
    assert "no results.json under" in capsys.readouterr().err


def test_unreadable_and_invalid_runs_are_listed_apart_not_fatal(runs_dir: Path) -> None:
    (runs_dir / "broken-json").mkdir()
    (runs_dir / "broken-json" / "results.json").write_text('{"schema_version": 1,', encoding="utf-8")
    (runs_dir / "latin1").mkdir()
    (runs_dir / "latin1" / "results.json").write_bytes(b'{"run_id": "caf\xe9"}')
    (runs_dir / "folder" / "results.json").mkdir(parents=True)
    assert main(["leaderboard", str(runs_dir), "--format", "csv"]) == 0
    excluded = pd.read_csv(runs_dir / "leaderboard" / "leaderboard-excluded.csv", dtype=str)
    reasons = excluded.set_index("run")["reason"]
    assert "invalid JSON" in reasons["broken-json"] and "not valid UTF-8" in reasons["latin1"]
    assert "cannot read: Is a directory" in reasons["folder"]
    assert all(reason.startswith("unreadable: ") for reason in reasons[["broken-json", "latin1", "folder"]])
    ranked = pd.read_csv(runs_dir / "leaderboard" / "leaderboard.csv", dtype=str)
    assert ranked["run"].tolist()[0] == "20240501-nc"
