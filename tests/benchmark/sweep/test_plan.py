"""Plan files expand to jobs in model, approach, task order, with paths relative to the plan."""

from __future__ import annotations

from pathlib import Path

from ptc_bench.benchmark.sweep.plan import read_plan
from ptc_bench.core.techniques import SLUGS


def test_a_plan_expands_models_approaches_and_tasks_in_order(tmp_path: Path) -> None:
    plan_file = tmp_path / "plans" / "p.toml"
    plan_file.parent.mkdir()
    plan_file.write_text(
        '[sweep]\nruns_dir = "r"\npublish = "/abs/pub"\n\n'
        '[defaults]\ndata_dir = "../ptc"\nlimit_articles = 2\n\n'
        '[[job]]\nlabel = "both"\nmodels = ["m1", "m2"]\napproaches = ["generate", "tagger"]\n'
        'tasks = ["doubt", "slogans"]\nconstrained = true\nsample = false\nlr = 0.001\n\n'
        '[[job]]\ncommand = "eval"\ntasks = "all"\n',
        encoding="utf-8",
    )
    plan = read_plan(plan_file)
    assert plan.runs_dir == tmp_path / "plans" / "r" and plan.publish == Path("/abs/pub")
    first = plan.jobs[:8]
    assert [
        (j.index, j.argv[j.argv.index("--model") + 1], j.argv[j.argv.index("--approach") + 1], j.task)
        for j in first
    ][:3] == [(1, "m1", "generate", "doubt"), (2, "m1", "generate", "slogans"), (3, "m1", "tagger", "doubt")]
    assert first[-1].name == "both slogans" and "m2" in first[-1].argv
    assert first[0].argv == (
        "--task",
        "doubt",
        "--runs-dir",
        str(tmp_path / "plans" / "r"),
        "--model",
        "m1",
        "--approach",
        "generate",
        "--constrained",
        "--data-dir",
        str(tmp_path / "plans" / "../ptc"),
        "--limit-articles",
        "2",
        "--lr",
        "0.001",
    )
    evals = plan.jobs[8:]
    assert [job.task for job in evals] == list(SLUGS)
    assert {job.command for job in evals} == {"eval"} and evals[0].name == "eval " + SLUGS[0]
    assert len({job.key for job in plan.jobs}) == 8 + 14


def test_the_repositorys_ptc_plan_lists_the_whole_table() -> None:
    plan = read_plan(Path(__file__).resolve().parents[3] / "plans" / "ptc-dev.toml")
    names = [job.name for job in plan.jobs]
    assert names == (
        [f"tagger {slug}" for slug in SLUGS] + ["tagger span-identification"]
        + [f"generate {slug}" for slug in SLUGS] + ["generate span-identification"]
        + ["generate technique-classification"]
    )  # fmt: skip
    assert plan.runs_dir.resolve().name == "ptc-dev" and plan.runs_dir.resolve().parent.name == "runs"
    assert all("vllm" in job.argv for job in plan.jobs if job.label == "generate")
