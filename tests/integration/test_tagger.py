"""`--approach tagger` end to end on the sample corpus with a fast tiny model: run, train, eval, oracle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptc_bench.benchmark.approaches.tagger.data import tag_windows
from ptc_bench.benchmark.approaches.tagger.predict import oracle_spans
from ptc_bench.benchmark.approaches.tagger.stage import load_fast_tokenizer, scheme_for
from ptc_bench.benchmark.approaches.tagger.tags import merge_spans
from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.data import load_split
from ptc_bench.benchmark.evaluation.evaluate import build_eval_items
from ptc_bench.reports.results import load_results, load_samples
from ptc_bench.tasks import get_task


def tagger_args(command: str, tiny: Path, data: Path, task: str, *extra: str) -> list[str]:
    return [
        command,
        "--approach",
        "tagger",
        "--task",
        task,
        "--model",
        str(tiny),
        "--data-dir",
        str(data),
        *(["--epochs", "1"] if command != "eval" else []),
        *extra,
    ]


@pytest.mark.parametrize("task_name", ["name-calling", "all-techniques", "span-identification"])
def test_gold_to_tags_to_spans_is_exact_on_the_sample(
    tiny_path: Path, sample_dir: Path, task_name: str
) -> None:
    """The sample's gold spans lie on token boundaries of tiny's tokenizer: the round trip returns them."""
    task = get_task(task_name)
    tokenizer = load_fast_tokenizer(str(tiny_path))
    items = build_eval_items(task, load_split(sample_dir, "dev"), window_chars=1200)
    windows = tag_windows(items, tokenizer, max_length=512)
    found = oracle_spans(windows, scheme_for(task))
    assert sum(len(spans) for spans in found) > 0
    for window, spans in zip(windows, found, strict=True):
        assert spans == merge_spans(window.local_gold)


def test_tagger_run_writes_a_scored_run_folder_and_eval_reproduces_it(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    assert (
        main(
            tagger_args(
                "run", tiny_path, sample_dir, "name-calling", "--runs-dir", str(runs), "--iterations", "50"
            )
        )
        == 0
    )
    (run_dir,) = [p for p in runs.iterdir() if p.name.startswith("name-calling__")]
    results = load_results(run_dir / "results.json")
    assert results.model.approach == "tagger" and results.model.label.endswith("(tagger)")
    assert set(results.systems) == {"base", "adapted"}
    assert results.oracle is not None and results.oracle["si_f1"] == 1.0 and results.oracle["exact_f1"] == 1.0
    manifest = json.loads((run_dir / "train" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "tagger" and manifest["tuning"] == "lora" and manifest["global_step"] > 0
    assert (
        json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["identity"]["approach"]
        == "tagger"
    )
    samples = load_samples(run_dir / "samples.jsonl")
    adapted = {(s.article_id, s.window_index): s.spans for s in samples if s.system == "adapted"}
    assert len(adapted) == results.data.n_windows

    # the same tagger through `bench eval --adapter` gives the same spans, window by window
    eval_runs = tmp_path / "eval-runs"
    tagger_dir = run_dir / "train" / "tagger"
    argv = tagger_args("eval", tiny_path, sample_dir, "name-calling", "--runs-dir", str(eval_runs))
    assert main([*argv, "--adapter", str(tagger_dir), "--iterations", "0"]) == 0
    (eval_dir,) = list(eval_runs.iterdir())
    again = {(s.article_id, s.window_index): s.spans for s in load_samples(eval_dir / "samples.jsonl")}
    assert again == adapted

    # a second `bench run` reuses the trained tagger (same recipe)
    before = (tagger_dir / "adapter_model.safetensors").stat().st_mtime_ns
    assert (
        main(
            tagger_args(
                "run", tiny_path, sample_dir, "name-calling", "--runs-dir", str(runs), "--iterations", "0"
            )
        )
        == 0
    )
    assert (tagger_dir / "adapter_model.safetensors").stat().st_mtime_ns == before


def test_bench_train_tagger_writes_a_tagger_folder(tiny_path: Path, sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "tagger-out"
    assert (
        main(
            [*tagger_args("train", tiny_path, sample_dir, "all-techniques"), "--output", str(out), "--quiet"]
        )
        == 0
    )
    facts = json.loads((out / "tagger" / "tagger.json").read_text(encoding="utf-8"))
    assert len(facts["layers"]) == 14 and facts["tuning"] == "lora"
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["data"]["n_train"] > 0


def test_compare_approaches_pairs_generate_and_tagger_runs_on_the_same_articles(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    common = ["--task", "name-calling", "--model", str(tiny_path), "--data-dir", str(sample_dir)]
    common += ["--runs-dir", str(runs), "--limit-articles", "3", "--iterations", "0"]
    assert main(["run", *common, "--max-steps", "2", "--max-new-tokens", "32"]) == 0
    assert main(["run", *common, "--approach", "tagger", "--epochs", "1"]) == 0
    assert main(["compare-approaches", str(runs), "--iterations", "200"]) == 0
    (row,) = json.loads((runs / "approaches" / "approaches.json").read_text(encoding="utf-8"))
    by_approach = {r.model.approach: r for r in map(load_results, runs.glob("name-calling__*/results.json"))}
    assert row["articles"] == 3
    # the same numbers as each run's own results.json, and their difference
    assert row["generate"] == pytest.approx(by_approach["generate"].systems["adapted"].metrics["si_f1"].value)
    assert row["tagger"] == pytest.approx(by_approach["tagger"].systems["adapted"].metrics["si_f1"].value)
    assert row["difference"] == pytest.approx(row["tagger"] - row["generate"])
    assert 0.0 <= row["p_value"] <= 1.0
    assert "tagger - generate" in (runs / "approaches" / "approaches.md").read_text(encoding="utf-8")


def test_compare_approaches_without_a_pair_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "runs").mkdir()
    assert main(["compare-approaches", str(tmp_path / "runs")]) == 2
    assert "error:" in capsys.readouterr().err


def test_bench_compare_cross_evaluates_taggers_as_taggers(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    for task in ("name-calling", "loaded-language"):
        argv = tagger_args("run", tiny_path, sample_dir, task, "--runs-dir", str(runs))
        assert main([*argv, "--limit-articles", "2", "--iterations", "0"]) == 0
    assert main(["compare", str(runs), "--metric", "si-f1", "--format", "csv"]) == 0
    cross = [r for r in map(load_results, runs.rglob("results.json")) if r.kind == "eval"]
    assert {(r.adapter.task, r.task) for r in cross if r.adapter} == {
        ("name-calling", "loaded-language"),
        ("loaded-language", "name-calling"),
    }
    assert all(r.model.approach == "tagger" for r in cross)
