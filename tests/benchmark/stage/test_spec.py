"""RunSpec built from flags and from a manifest: the same object either way, nothing rebuilt by hand."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import build_parser
from ptc_bench.benchmark.stage.spec import MANIFEST_SETTINGS, RunSpec, read_run_settings
from ptc_bench.benchmark.training.train import warmup_arguments
from ptc_bench.core.errors import UserError
from ptc_bench.core.manifests import RunManifest


def test_flags_fill_every_setting_they_name() -> None:
    args = build_parser().parse_args(
        ["run", "--task", "slogans", "--model", "tiny", "--window-chars", "500", "--sample", "--seed", "3"]
    )
    spec = RunSpec.from_flags(vars(args), task="slogans", systems=("base",), precision="fp32", engine="hf")
    assert (spec.task, spec.model, spec.window_chars, spec.do_sample, spec.seed) == (
        "slogans",
        "tiny",
        500,
        True,
        3,
    )
    assert spec.systems == ("base",) and spec.runs_dir == Path("runs")


def test_config_file_run_settings_sit_under_the_flags(tmp_path: Path) -> None:
    config = tmp_path / "run.toml"
    config.write_text("window_chars = 800\nseed = 7\niterations = 0\n[train]\nlora_r = 8\n", encoding="utf-8")
    args = build_parser().parse_args(["run", "--task", "slogans", "--config", str(config), "--seed", "3"])
    spec = RunSpec.from_flags(
        vars(args), read_run_settings(config), task="slogans", precision="fp32", engine="hf"
    )
    assert (spec.window_chars, spec.seed, spec.iterations, spec.batch_size) == (800, 3, 0, 8)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("window_chars = 0\n[train]\n", "run setting window_chars = 0: expected a positive integer"),
        ("split = 'test'\n[train]\n", "expected dev or validation"),
        ("model = 'x'\n[train]\n", "unknown table or key 'model' beside [train]"),
    ],
)
def test_bad_run_settings_name_the_file_and_setting(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "run.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(message)):
        read_run_settings(config)


def test_without_a_train_table_every_key_is_a_training_setting(tmp_path: Path) -> None:
    config = tmp_path / "train.toml"
    config.write_text("lora_r = 8\n", encoding="utf-8")
    assert read_run_settings(config) == {}


def test_a_manifest_gives_back_the_settings_of_its_run() -> None:
    source = RunSpec(
        task="slogans", model="m", quantization="none", window_chars=700, seed=5, limit_articles=3
    )
    manifest = {"identity": source.identity(), "data_option": "/data/ptc"}
    spec = RunSpec.from_manifest(
        RunManifest.from_json(manifest, "test"), task="name-calling", systems=("adapted",), adapter=Path("a")
    )
    assert {name: getattr(spec, name) for name in MANIFEST_SETTINGS} == {
        name: getattr(source, name) for name in MANIFEST_SETTINGS
    }
    assert (spec.task, spec.data_dir, spec.adapter, spec.trust_remote_code) == (
        "name-calling",
        "/data/ptc",
        Path("a"),
        False,
    )


def test_a_manifest_never_enables_remote_code() -> None:
    identity = {**RunSpec(task="slogans").identity(), "trust_remote_code": True}
    assert (
        RunSpec.from_manifest(
            RunManifest.from_json({"identity": identity}, "test"), task="slogans"
        ).trust_remote_code
        is False
    )


def test_a_manifest_without_a_setting_names_it() -> None:
    with pytest.raises(KeyError, match="quantization"):
        RunSpec.from_manifest(RunManifest.from_json({"identity": {"model": "tiny"}}, "test"), task="slogans")


@dataclass
class _Transformers4:
    warmup_ratio: float = 0.0
    warmup_steps: int = 0


@dataclass
class _Transformers5:
    warmup_steps: float = 0


def test_warmup_is_a_ratio_in_either_transformers() -> None:
    assert warmup_arguments(_Transformers4, 0.05) == {"warmup_ratio": 0.05}
    assert warmup_arguments(_Transformers5, 0.05) == {"warmup_steps": 0.05}
