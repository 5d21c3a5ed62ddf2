"""The published PTC numbers: the README's table is the leaderboard of results/ptc-dev, and every
published run's predictions re-score to the numbers its results.json states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.reports.board_report import build_leaderboard
from ptc_bench.reports.render import to_markdown
from ptc_bench.reports.results import load_runs_tolerant

REPO = Path(__file__).resolve().parents[1]
PUBLISHED = REPO / "results" / "ptc-dev"
START = "<!-- published: the Ranking table of `bench leaderboard results/ptc-dev --metric si_f1` -->"
TABLE_START = "<!-- published: `bench table results/ptc-dev` -->"
END = "<!-- /published -->"
RUN_DIRS = sorted(p.parent for p in PUBLISHED.glob("*/results.json"))
NOTHING_YET = "(no run is published yet)"


def _readme_block(start: str = START) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert text.count(start) == 1, "the README must hold each published block once"
    return text.split(start, 1)[1].split(END, 1)[0].strip()


def test_the_readme_ptc_table_is_bench_table_of_the_published_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["table", str(PUBLISHED)]) == 0
    assert _readme_block(TABLE_START) == capsys.readouterr().out.strip()


def test_the_readme_table_is_the_leaderboard_of_the_published_runs() -> None:
    if not RUN_DIRS:
        assert _readme_block() == NOTHING_YET
        return
    runs, unreadable = load_runs_tolerant(PUBLISHED)
    assert not unreadable and len(runs) == len(RUN_DIRS)
    board = build_leaderboard(runs, "si_f1", "dev")
    assert _readme_block() == to_markdown(board.ranked).strip()


@pytest.mark.parametrize("run_dir", RUN_DIRS, ids=[p.name for p in RUN_DIRS])
def test_published_predictions_rescore_to_the_published_flc_f1(
    run_dir: Path, ptc_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    assert results["split"] == "dev" and not results["data"]["is_sample"]
    for system, scores in results["systems"].items():
        prediction = run_dir / "predictions" / f"{system}-flc.txt"
        args = ["score", "--task", "flc", "--pred", str(prediction), "--gold"]
        args += [str(ptc_dir / "dev-labels-task-flc-tc"), "--techniques", results["task"], "--json"]
        assert main(args) == 0
        rescored = json.loads(capsys.readouterr().out)
        assert rescored["f1"] == pytest.approx(scores["metrics"]["flc_f1"]["value"], abs=1e-9), system
