"""Scoring and the run-folder writer on hand-made outcomes: results.json numbers, samples, predictions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptc_bench.benchmark.evaluation.evaluate import SystemOutcome, build_eval_items, evaluate_completions
from ptc_bench.benchmark.run.scoring import RunContext, score_run
from ptc_bench.benchmark.run.writer import adapter_info, run_manifest, write_run_folder
from ptc_bench.benchmark.stage.spec import RunSpec
from ptc_bench.core.hashing import stable_hash
from ptc_bench.core.types import Article, Span, SplitData
from ptc_bench.reports.results import load_results, load_samples
from ptc_bench.tasks import get_task

TEXT = "The crooks met the mayor.\nThe crooks left town.\n"
NC = "Name_Calling,Labeling"
LL = "Loaded_Language"


def _context(tmp_path: Path, task_name: str, split: SplitData, items: list) -> RunContext:  # type: ignore[type-arg]
    spec = RunSpec(task=task_name, iterations=50, runs_dir=tmp_path)
    return RunContext(
        spec=spec, task=get_task(task_name), run_dir=tmp_path / "run", data_dir=tmp_path, is_sample=True,
        data_hash="d" * 64, evaluation=split, items=items, model_id="tiny", model_revision=None,
        adapter_dir=None, wall_seconds=1.0,
    )  # fmt: skip


def _score_and_write(context: RunContext, outcomes: dict[str, SystemOutcome]) -> None:
    """What the runner does after generation (without the oracle)."""
    adapter = adapter_info(context)
    manifest = run_manifest(context, adapter)
    record = score_run(
        context, outcomes, oracle=None, manifest_hash=stable_hash(manifest.identity), adapter=adapter
    )
    write_run_folder(context, record, manifest, outcomes)


def test_span_task_results_samples_and_predictions(tmp_path: Path) -> None:
    split = SplitData("dev", {"1": Article("1", TEXT)}, {"1": (Span(30, 36, NC), Span(4, 10, LL))})
    task = get_task("name-calling")
    items = build_eval_items(task, split, window_chars=30)
    base = evaluate_completions(task, items, ["no idea", "{}"], system="base")
    adapted = evaluate_completions(
        task, items, ["{}", '{"crooks": "Name_Calling,Labeling"}'], system="adapted"
    )
    (tmp_path / "run").mkdir()
    _score_and_write(_context(tmp_path, "name-calling", split, items), {"base": base, "adapted": adapted})
    results = load_results(tmp_path / "run" / "results.json")
    got = results.systems["adapted"].metrics
    # adapted: window 1 is the second line only, so "crooks" aligns once, to the gold [30,36)
    assert got["si_precision"].value == 1.0 and got["si_recall"].value == 1.0
    assert got["exact_f1"].value == 1.0
    assert results.systems["base"].metrics["si_f1"].value == 0.0
    assert got["json_validity"].value == 1.0
    assert results.systems["base"].metrics["json_validity"].value == pytest.approx(0.5)
    assert results.systems["base"].errors == {"no_json": 1}
    assert results.adapter_changes_outputs is True
    # adapted answered the one window with gold; base answered it {}
    assert results.warnings == (
        "base collapsed to the empty answer: {} on 1 of the 1 windows that have gold (100%)",
    )
    assert results.comparison("si_f1") is not None
    flc = (tmp_path / "run" / "predictions" / "adapted-flc.txt").read_text().splitlines()
    assert flc == [f"1\t{NC}\t30\t36"]
    assert (tmp_path / "run" / "predictions" / "base-si.txt").read_text() == ""
    samples = load_samples(tmp_path / "run" / "samples.jsonl")
    assert [(s.system, s.window_index) for s in samples] == [
        ("base", 0),
        ("base", 1),
        ("adapted", 0),
        ("adapted", 1),
    ]


def test_a_system_answering_empty_on_the_gold_windows_is_flagged_as_collapsed(tmp_path: Path) -> None:
    split = SplitData("dev", {"1": Article("1", TEXT)}, {"1": (Span(30, 36, NC), Span(4, 10, LL))})
    task = get_task("name-calling")
    items = build_eval_items(task, split, window_chars=30)  # window 1 holds the one name-calling span
    base = evaluate_completions(task, items, ["{}", "no idea"], system="base")  # no JSON is not {}
    adapted = evaluate_completions(
        task, items, ['{"mayor": "Name_Calling,Labeling"}', "{}"], system="adapted"
    )
    (tmp_path / "run").mkdir()
    _score_and_write(_context(tmp_path, "name-calling", split, items), {"base": base, "adapted": adapted})
    results = load_results(tmp_path / "run" / "results.json")
    assert results.warnings == (
        "adapted collapsed to the empty answer: {} on 1 of the 1 windows that have gold (100%)",
    )


def test_technique_classification_reports_tc_accuracy(tmp_path: Path) -> None:
    split = SplitData("dev", {"1": Article("1", TEXT)}, {"1": (Span(30, 36, NC), Span(4, 10, LL))})
    task = get_task("technique-classification")
    items = build_eval_items(task, split, window_chars=100)
    # first gold span [4,10) Loaded_Language answered right; second answered with nothing usable
    outcome = evaluate_completions(task, items, ['{"technique": "Loaded Language"}', "hmm"], system="base")
    (tmp_path / "run").mkdir()
    _score_and_write(_context(tmp_path, "technique-classification", split, items), {"base": outcome})
    metric = load_results(tmp_path / "run" / "results.json").systems["base"].metrics["tc_accuracy"]
    assert metric.value == pytest.approx(0.5)
    assert metric.ci is not None and metric.ci[0] <= 0.5 <= metric.ci[1]


def test_all_techniques_reports_the_macro_average_over_present_techniques(tmp_path: Path) -> None:
    split = SplitData("dev", {"1": Article("1", TEXT)}, {"1": (Span(30, 36, NC), Span(4, 10, LL))})
    task = get_task("all-techniques")
    items = build_eval_items(task, split, window_chars=30)
    outcome = evaluate_completions(task, items, ["{}", '{"crooks": "Name_Calling,Labeling"}'], system="base")
    (tmp_path / "run").mkdir()
    _score_and_write(_context(tmp_path, "all-techniques", split, items), {"base": outcome})
    metrics = load_results(tmp_path / "run" / "results.json").systems["base"].metrics
    # Name_Calling F1 1 (found), Loaded_Language F1 0 (missed); the 12 absent techniques don't count
    assert metrics["flc_macro_f1"].value == pytest.approx(0.5)
    # micro: 1 of 1 prediction right, 1 of 2 gold found -> P 1, R 0.5, F1 2/3
    assert metrics["flc_f1"].value == pytest.approx(2 / 3)
