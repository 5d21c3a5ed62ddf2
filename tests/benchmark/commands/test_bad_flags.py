"""A tour of bad flags: each is refused before any model work, one line, exit 2, no run folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.commands._options import non_negative_int

REPO = Path(__file__).resolve().parents[3]

UNKNOWN_TABLE = "[train]\nlora_r = 8\n[generation]\ntemperature = 0.7\n"
UNKNOWN_KEY = "[train]\nlora_rank = 8\n"
CONFIGS = {  # placeholder in an argument list -> config file content
    "CONFIG_TABLE": UNKNOWN_TABLE,
    "CONFIG_KEY": UNKNOWN_KEY,
    "CONFIG_INF_EPOCHS": "[train]\nepochs = inf\n",
    "CONFIG_NO_MODULES": "[train]\ntarget_modules = []\n",
    "CONFIG_NEGATIVE_SEED": "seed = -1\n[train]\nlora_r = 8\n",
    "CONFIG_HUGE_ITERATIONS": "iterations = 100000000000\n[train]\nlora_r = 8\n",
    "CONFIG_HUGE_RANK": "[train]\nlora_r = 100000000000\n",
    # reliability round 4, cases 9 and 10: an alias bomb (9^9 items once expanded) and deep nesting
    "CONFIG_BOMB_YAML": "train:\n  target_modules: &a0 [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"  m{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))
    + "  lora_r: *a8\n",
    "CONFIG_DEEP": "[train]\nlora_r = " + "[" * 20_000 + "]" * 20_000 + "\n",
    "CONFIG_DEEP_YAML": "train:\n  lora_r: " + "[" * 20_000 + "]" * 20_000 + "\n",
}

# (arguments, a piece of the one error line)
BAD_FLAGS = [
    (["run", "--task", "name-calling", "--window-chars", "0"], "--window-chars: expected a positive integer"),
    (
        ["run", "--task", "name-calling", "--window-chars", "-5"],
        "--window-chars: expected a positive integer",
    ),
    (["run", "--task", "name-calling", "--batch-size", "0"], "--batch-size: expected a positive integer"),
    (["run", "--task", "name-calling", "--iterations", "-1"], "--iterations: expected a non-negative"),
    (["run", "--task", "name-calling", "--max-new-tokens", "0"], "--max-new-tokens: expected a positive"),
    (["run", "--task", "name-calling", "--limit-articles", "0"], "--limit-articles: expected a positive"),
    (["eval", "--task", "name-calling", "--limit-articles", "-3"], "--limit-articles: expected a positive"),
    (["run", "--task", "name-calling", "--epochs", "0"], "--epochs: expected a positive number"),
    (["train", "--task", "name-calling", "--max-steps", "0"], "--max-steps: expected a positive integer"),
    (["run", "--task", "name-caling"], "did you mean name-calling?"),
    (["eval", "--task", "Name-Calling"], "did you mean name-calling?"),
    (["train", "--task", "slogan"], "did you mean slogans?"),
    (["run", "--task", "name-calling", "--config", "CONFIG_TABLE"], "unknown table or key 'generation'"),
    (["run", "--task", "name-calling", "--config", "CONFIG_KEY"], "unknown training setting 'lora_rank'"),
    (
        ["run", "--task", "name-calling", "--model", "./no/such/model"],
        "model folder not found: ./no/such/model",
    ),
    (
        ["run", "--task", "name-calling", "--model", "/no/such/model", "--variant", "chat"],
        "model folder not found: /no/such/model",
    ),
    (["train", "--task", "name-calling", "--model", "nobody/no-such-model"], "not found in the local"),
    (["eval", "--task", "name-calling", "--adapter", "no-such-adapter"], "not an adapter folder"),
    (["run", "--task", "name-calling", "--model", "minilm-l6"], "cannot generate: use --approach tagger"),
    (["train", "--task", "name-calling", "--model", "minilm-l6"], "cannot generate: use --approach tagger"),
    (
        ["run", "--task", "technique-classification", "--approach", "tagger", "--model", "tiny"],
        "--approach tagger needs a span task",
    ),
    (
        ["train", "--task", "technique-classification", "--approach", "tagger", "--model", "tiny"],
        "--approach tagger needs a span task",
    ),
    (
        ["eval", "--task", "doubt", "--approach", "tagger", "--model", "tiny", "--adapter", "no-such"],
        "not a tagger folder",
    ),
    (["prompt", "--task", "doubt", "--article", "700001", "--shots", "500"], "--shots 500: only"),
    # issue 22, case 4: values that used to pass the checks and crash after model work
    (["run", "--task", "name-calling", "--seed", "-1"], "--seed: expected a non-negative integer"),
    (["eval", "--task", "name-calling", "--iterations", "100000000000"], "--iterations: expected a non-neg"),
    (["run", "--task", "name-calling", "--train-seed", "-1"], "--train-seed: expected a non-negative"),
    (
        ["run", "--task", "name-calling", "--max-seq-length", "1"],
        "--max-seq-length: expected an integer >= 16",
    ),
    (
        ["train", "--task", "name-calling", "--lora-r", "100000000000"],
        "--lora-r: expected a positive integer",
    ),
    (["run", "--task", "name-calling", "--lora-dropout", "1.5"], "--lora-dropout: expected a non-negative"),
    (
        ["run", "--task", "name-calling", "--config", "CONFIG_INF_EPOCHS"],
        "invalid training setting epochs = inf",
    ),
    (["run", "--task", "name-calling", "--config", "CONFIG_NO_MODULES"], "target_modules = []"),
    (
        ["run", "--task", "name-calling", "--config", "CONFIG_NEGATIVE_SEED"],
        "run setting seed = -1: expected",
    ),
    (["run", "--task", "name-calling", "--config", "CONFIG_HUGE_ITERATIONS"], "iterations = 100000000000"),
    (["train", "--task", "name-calling", "--config", "CONFIG_HUGE_RANK"], "lora_r = 100000000000"),
    # issue 20: endpoints (a closed port on loopback is a real unreachable server)
    (
        ["run", "--task", "name-calling", "--endpoint", "http://127.0.0.1:9/v1"],
        "trains nothing: use bench eval",
    ),
    (
        ["eval", "--task", "name-calling", "--endpoint", "http://127.0.0.1:9/v1", "--adapter", "a"],
        "register the LoRA on the server",
    ),
    (["eval", "--task", "name-calling", "--endpoint", "127.0.0.1:9/v1"], "expected an http:// or https://"),
    (
        ["eval", "--task", "name-calling", "--endpoint", "http://127.0.0.1:9/v1", "--approach", "tagger"],
        "--endpoint generates answers: --approach tagger does not",
    ),
    (
        ["eval", "--task", "name-calling", "--endpoint", "http://127.0.0.1:9/v1", "--model", "x"],
        "cannot reach the endpoint http://127.0.0.1:9/v1",
    ),
    (
        ["eval", "--task", "name-calling", "--endpoint", "http://127.0.0.1:9/v1", "--engine", "hf"],
        "the endpoint is the engine",
    ),
    (["eval", "--task", "name-calling", "--concurrency", "0"], "--concurrency: expected a positive integer"),
    (["perf", "--quick", "--adapter", "no-such-adapter"], "no-such-adapter: not an adapter folder"),
    (["run", "--task", "name-calling", "--config", "CONFIG_BOMB_YAML"], "aliases (*name) are not allowed"),
    (["run", "--task", "name-calling", "--config", "CONFIG_DEEP"], "nested too deeply to be a config file"),
    (["run", "--task", "name-calling", "--config", "CONFIG_DEEP_YAML"], "nested too deeply to be a config"),
    # reliability round 4, cases 6, 11 and 18: endpoint URLs refused before anything is contacted
    (["eval", "--task", "name-calling", "--model", "m", "--endpoint", "http://[::1"], "not a URL"),
    (
        ["eval", "--task", "name-calling", "--model", "m", "--endpoint", "http://127.0.0.1:9/v1 x"],
        "a URL has no spaces",
    ),
    (["eval", "--task", "name-calling", "--model", "m", "--endpoint", "http://"], "no host in the URL"),
    (
        ["eval", "--task", "name-calling", "--model", "m", "--endpoint", "http://u:SECRET@127.0.0.1:9/v1"],
        "credentials in the URL are refused",
    ),
]


@pytest.mark.parametrize(("argv", "expected"), BAD_FLAGS, ids=[" ".join(a) for a, _ in BAD_FLAGS])
def test_bad_flag_is_one_line_exit_2_and_no_run_folder(
    tmp_path: Path, argv: list[str], expected: str
) -> None:
    def config_path(name: str) -> Path:
        return tmp_path / f"{name}.{'yaml' if name.endswith('_YAML') else 'toml'}"

    for name, content in CONFIGS.items():
        config_path(name).write_text(content, encoding="utf-8")
    argv = [str(config_path(a)) if a in CONFIGS else a for a in argv]
    env = {k: v for k, v in os.environ.items() if k != "PTC_DATA_DIR"}
    env.update(PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - started
    lines = [line for line in done.stderr.splitlines() if not line.startswith("note: ")]
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and expected in lines[0], done.stderr
    assert lines[0].startswith(f"bench {argv[0]}: error: ")
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "runs").exists(), f"a run folder was created ({seconds:.1f} s)"
    assert "SECRET" not in done.stderr + done.stdout  # a password in a URL is never echoed


def test_help_and_usage_errors_return_instead_of_exiting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--task", "doubt", "--batch-size", "zero"]) == 2
    assert (
        capsys.readouterr().err
        == "bench run: error: argument --batch-size: expected a positive integer up to 4,096, got 'zero'\n"
    )
    assert main(["--help"]) == 0
    assert "usage: bench" in capsys.readouterr().out


def test_option_validators() -> None:
    assert non_negative_int("0") == 0
    for validator, text in ((non_negative_int, "-1"), (non_negative_int, "x")):
        with pytest.raises(Exception, match="expected a"):
            validator(text)


@pytest.mark.parametrize("damage", ["truncated", "empty", "missing", "broken-config"])
def test_damaged_adapter_for_eval_is_one_line_exit_2(tmp_path: Path, damage: str) -> None:
    """`bench eval --adapter DIR` verifies the adapter first (issue 22, case 5)."""
    import json

    import numpy as np
    from safetensors.numpy import save_file

    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA"}), encoding="utf-8")
    weights = adapter / "adapter_model.safetensors"
    save_file({"w": np.zeros((8, 8), dtype=np.float32)}, str(weights))
    if damage == "truncated":
        weights.write_bytes(weights.read_bytes()[:-7])
    elif damage == "empty":
        weights.write_bytes(b"")
    elif damage == "missing":
        weights.unlink()
    else:
        (adapter / "adapter_config.json").write_text('{"peft_type": ', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PTC_DATA_DIR"}
    env.update(PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1")
    argv = ["eval", "--task", "name-calling", "--model", "tiny", "--adapter", str(adapter)]
    done = subprocess.run(
        [sys.executable, "-m", "ptc_bench.benchmark.cli", *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stderr.splitlines() if not line.startswith("note: ")]
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and lines[0].startswith("bench eval: error: ") and str(adapter) in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "runs").exists()
