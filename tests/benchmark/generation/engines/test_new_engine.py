"""Adding an engine is one module and one registry line: a throwaway engine through `bench eval`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.generation import engines
from ptc_bench.benchmark.generation.engines import EngineKind

ECHO_MODULE = '''
"""A throwaway engine: it answers "none here" to every prompt."""

from ptc_bench.benchmark.generation.engines.base import EngineRequest, Generated


class EchoEngine:
    name = "echo"

    def identity(self):
        return {"engine": "echo"}

    def check(self):
        return None

    def generate(self, prompts, settings, schema):
        yield [(index, Generated("{}", "eos", 1, 1)) for index in range(len(prompts))]


def create(request: EngineRequest) -> EchoEngine:
    assert request.model is not None and request.tokenizer is not None  # given the loaded model
    return EchoEngine()
'''


@pytest.mark.integration
def test_a_throwaway_engine_is_one_module_and_one_registry_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ptc_bench.benchmark.data.sample import materialise_sample
    from tests.benchmark.tiny_helpers import tiny_model_path

    (tmp_path / "echo_engine.py").write_text(ECHO_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = {
        **engines.ENGINES,
        "echo": EngineKind("echo", "echo_engine", loads_model=True, identity=lambda: "echo 1"),
    }
    monkeypatch.setattr(engines, "ENGINES", registry)  # the one registry line
    runs = tmp_path / "runs"
    argv = ["eval", "--task", "name-calling", "--model", str(tiny_model_path()), "--engine", "echo"]
    argv += ["--data-dir", str(materialise_sample()), "--limit-articles", "2", "--runs-dir", str(runs)]
    assert main([*argv, "--iterations", "0"]) == 0, capsys.readouterr().err
    (run_dir,) = runs.glob("name-calling__*")
    samples = [
        json.loads(line) for line in (run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert samples and {sample["completion"] for sample in samples} == {"{}"}
    assert (
        json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["identity"]["engine"] == "echo 1"
    )
    assert "echo_engine" in sys.modules  # built through the registry, from its module
