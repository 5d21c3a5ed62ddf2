"""`bench sweep` on the sample corpus with the tiny model: a killed sweep resumes to the same results."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main

PLAN = """
[sweep]
runs_dir = "{runs}"

[defaults]
model = "{tiny}"
data_dir = "{data}"
limit_articles = 2
window_chars = 500
max_new_tokens = 48
iterations = 50

[[job]]
label = "gen"
tasks = ["name-calling", "slogans"]
max_steps = 3

[[job]]
command = "eval"
task = "doubt"
"""


def write_plan(folder: Path, tiny: Path, data: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    plan = folder / "plan.toml"
    plan.write_text(PLAN.format(runs=folder / "runs", tiny=tiny, data=data), encoding="utf-8")
    return plan


def sweep(*argv: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", "sweep", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def results_of(runs: Path) -> dict[str, object]:
    """Run folder name -> its scores and every sample's completion (what a re-run must reproduce)."""
    found: dict[str, object] = {}
    for run_dir in sorted(runs.glob("*__*")):
        results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
        samples = (run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines()
        found[run_dir.name] = (
            {name: system["metrics"] for name, system in results["systems"].items()},
            [(json.loads(line)["system"], json.loads(line)["completion"]) for line in samples],
        )
    return found


def status_states(plan: Path) -> list[str]:
    """The state column of `bench sweep status`, job by job."""
    result = sweep("status", str(plan))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("job "))
    return [line.split()[3] for line in lines[header + 1 : header + 4]]


@pytest.mark.integration
def test_a_killed_sweep_resumes_to_the_results_of_an_uninterrupted_one(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    reference = write_plan(tmp_path / "a", tiny_path, sample_dir)
    done = sweep(str(reference))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "sweep: 3 of 3 jobs done" in done.stdout
    assert "[1/3 gen name-calling] start: bench run --task name-calling" in done.stdout
    assert status_states(reference) == ["done", "done", "done"]

    plan = write_plan(tmp_path / "b", tiny_path, sample_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", "sweep", str(plan)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    log = tmp_path / "b" / "runs" / "sweeps" / "log.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # kill -9 once the second job has started
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        if text.count('"event": "start"') >= 2:
            time.sleep(2.0)
            break
        time.sleep(0.2)
    else:
        pytest.fail("the second job never started")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = status_states(plan)
    assert before[0] == "done" and before[1] in ("partial", "pending") and before[2] == "pending"

    resumed = sweep(str(plan))
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert "[1/3 gen name-calling] done before:" in resumed.stdout
    assert status_states(plan) == ["done", "done", "done"]
    assert results_of(tmp_path / "b" / "runs") == results_of(tmp_path / "a" / "runs")


@pytest.mark.integration
def test_a_failing_job_is_reported_and_the_others_run(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    # a model folder that passes the pre-flight check (it exists) but does not load: the job fails
    broken = tmp_path / "broken-tiny"
    broken.mkdir()
    (broken / "config.json").write_text("{}", encoding="utf-8")
    failing = tmp_path / "failing.toml"
    failing.write_text(
        f'[sweep]\nruns_dir = "{tmp_path / "runs"}"\n\n[[job]]\ncommand = "eval"\ntask = "doubt"\n'
        f'model = "{broken}"\ndata_dir = "{sample_dir}"\nlimit_articles = 1\n\n'
        f'[[job]]\ncommand = "eval"\ntask = "slogans"\nmodel = "{tiny_path}"\ndata_dir = "{sample_dir}"\n'
        "limit_articles = 1\nmax_new_tokens = 8\niterations = 0\n",
        encoding="utf-8",
    )
    result = sweep(str(failing))
    assert result.returncode == 1
    assert "sweep: 1 of 2 jobs done" in result.stdout
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("  failed: job 1 (eval doubt)")]
    assert len(line) < 400
    status = sweep("status", str(failing)).stdout
    assert "failed (" in status and "1 done, 0 partial, 1 failed, 0 pending" in status


BAD_PLANS = [
    ("[[job]]\ntask = 'name-calling'\nlr = 'fast'\n", "job 1 (run name-calling): argument --lr"),
    ("[[job]]\ntask = 'no-such-task'\n", "job 1 (run no-such-task)"),
    ("[[job]]\ncommand = 'eval'\ntask = 'doubt'\nmax_steps = 3\n", "unrecognized arguments: --max-steps 3"),
    ("[[job]]\ntask = ['doubt', 'doubt']\n", "job 2 (run doubt) repeats job 1"),
    ("[sweep]\nruns = 'x'\n[[job]]\ntask = 'doubt'\n", "[sweep] 'runs' is not a setting"),
    ("[[job]]\ncommand = 'train'\ntask = 'doubt'\n", "command 'train': expected run or eval"),
    ("[[job]]\nlabel = 'x'\n", "no task"),
    ("[defaults]\nmodel = 'tiny'\n", "no [[job]] table"),
    ("[[job]\ntask = 'doubt'\n", "cannot parse the plan"),
    ("[[job]]\ntask = 'doubt'\nruns_dir = 'elsewhere'\n", "runs_dir belongs to [sweep]"),
    ("[[job]]\ntask = 'doubt'\nlr = [1, 2]\n", "expected a string, a number or true/false"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_PLANS)
def test_a_bad_plan_is_one_line_before_any_work(
    text: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(text, encoding="utf-8")
    assert main(["sweep", str(plan)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("bench sweep: error: "), err
    assert expected in err and str(plan) in err
    assert not (tmp_path / "runs").exists()


def test_a_missing_plan_and_bad_words_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", str(tmp_path / "none.toml")]) == 2
    assert "plan file not found" in capsys.readouterr().err
    assert main(["sweep", "stats", str(tmp_path / "none.toml")]) == 2
    assert "expected PLAN, status PLAN or estimate PLAN" in capsys.readouterr().err
