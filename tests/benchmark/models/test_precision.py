"""The numerics `auto` chooses per machine, and what bf16 autocast does to a LoRA step's loss."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptc_bench.benchmark.generation.generate import GenSettings
from ptc_bench.benchmark.models.precision import cpu_flags, native_bf16, resolve_precision
from ptc_bench.benchmark.stage.spec import RunSpec
from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import stable_hash
from ptc_bench.core.manifests import RunManifest

AVX512_BF16_CPU = {"fpu", "avx2", "avx512f", "avx512_bf16"}
AMX_CPU = {"fpu", "avx2", "amx_tile", "amx_bf16"}
AVX2_CPU = {"fpu", "sse4_2", "avx2", "fma"}


@pytest.mark.parametrize(
    ("flags", "device", "expected"),
    [
        (AVX512_BF16_CPU, "cpu", "bf16"),
        (AMX_CPU, "cpu", "bf16"),
        (AVX2_CPU, "cpu", "fp32"),
        (set(), "cpu", "fp32"),  # no /proc/cpuinfo (macOS): fp32
        (AVX2_CPU, "cuda", "bf16"),  # QLoRA's compute dtype, whatever the host CPU
    ],
)
def test_auto_picks_bf16_only_where_the_device_computes_it_natively(
    flags: set[str], device: str, expected: str
) -> None:
    assert resolve_precision("auto", device, flags) == expected


@pytest.mark.parametrize("choice", ["fp32", "bf16"])
def test_an_explicit_choice_is_kept_on_any_machine(choice: str) -> None:
    assert resolve_precision(choice, "cpu", AVX2_CPU) == choice
    assert resolve_precision(choice, "cpu", AVX512_BF16_CPU) == choice


def test_an_unknown_precision_is_one_user_error() -> None:
    with pytest.raises(UserError, match="unknown precision 'fp16'"):
        resolve_precision("fp16", "cpu", AVX2_CPU)


def test_cpu_flags_are_read_from_the_flags_line(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 avx512f avx512_bf16\n\n"
        "processor\t: 1\nflags\t\t: fpu avx2\n",
        encoding="utf-8",
    )
    assert cpu_flags(cpuinfo) == frozenset({"fpu", "avx2", "avx512f", "avx512_bf16"})
    assert native_bf16(cpu_flags(cpuinfo))
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_run_spec_takes_a_resolved_precision_and_records_bf16_in_its_identity() -> None:
    with pytest.raises(UserError, match="auto is resolved before"):
        RunSpec(task="name-calling", precision="auto")
    fp32, bf16 = RunSpec(task="name-calling"), RunSpec(task="name-calling", precision="bf16")
    assert fp32.precision == "fp32"
    assert "precision" not in fp32.identity()  # run ids made before precision existed stay valid
    assert bf16.identity()["precision"] == "bf16"
    assert (
        RunSpec.from_manifest(
            RunManifest.from_json({"identity": {**fp32.identity()}}, "test"), task="name-calling"
        ).precision
        == "fp32"
    )
    assert (
        RunSpec.from_manifest(
            RunManifest.from_json({"identity": bf16.identity()}, "test"), task="name-calling"
        ).precision
        == "bf16"
    )


def test_bf16_names_other_completions_than_fp32_and_fp32_keys_are_unchanged() -> None:
    fp32 = GenSettings(max_new_tokens=64)
    bf16 = GenSettings(max_new_tokens=64, precision="bf16")
    assert fp32.key() != bf16.key()
    before = {"max_new_tokens": 64, "do_sample": False, "constrained": False}  # the fields before precision
    assert fp32.key() == stable_hash(before, 32, ensure_ascii=True)
    with pytest.raises(ValueError, match="resolved"):
        GenSettings(max_new_tokens=64, precision="auto")
