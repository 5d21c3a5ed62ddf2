"""Training config: QLoRA defaults, TOML/YAML files, unknown keys, flag overrides, hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptc_bench.benchmark.training.config import TrainConfig, load_train_config
from ptc_bench.core.errors import UserError


def test_defaults_follow_the_qlora_recipe() -> None:
    config = load_train_config(None, {})
    assert (config.lora_r, config.lora_alpha, config.lora_dropout) == (16, 32, 0.05)
    assert config.target_modules == "all-linear"
    assert (config.learning_rate, config.epochs, config.lr_scheduler) == (2e-4, 3.0, "cosine")
    assert config.warmup_ratio == 0.03 and config.seed == 42 and config.gradient_checkpointing
    assert config.resolved_optimizer(cuda=True) == "paged_adamw_8bit"
    assert config.resolved_optimizer(cuda=False) == "adamw_torch"


def test_toml_file_with_a_train_table(tmp_path: Path) -> None:
    path = tmp_path / "train.toml"
    path.write_text('[train]\nlora_r = 8\nlearning-rate = 1e-4\ntarget_modules = ["q_proj", "v_proj"]\n')
    config = load_train_config(path, {})
    assert config.lora_r == 8
    assert config.learning_rate == 1e-4
    assert config.target_modules == ("q_proj", "v_proj")
    assert config.lora_alpha == 32  # untouched default


def test_yaml_file_top_level_and_overrides_win(tmp_path: Path) -> None:
    path = tmp_path / "train.yaml"
    path.write_text(
        "epochs: 1\nlearning_rate: 2e-5\ngradient_checkpointing: false\n"
    )  # YAML reads 2e-5 as str
    config = load_train_config(path, {"epochs": 5, "lora_r": None})
    assert config.epochs == 5.0  # the flag wins over the file
    assert config.learning_rate == 2e-5
    assert config.gradient_checkpointing is False
    assert config.lora_r == 16  # a None override means "flag not given"


def test_unknown_key_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("lora_rank = 8\n")
    with pytest.raises(UserError, match=r"'lora_rank'.*bad\.toml"):
        load_train_config(path, {})


def test_bad_values_and_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="lora_r"):
        load_train_config(None, {"lora_r": "many"})
    with pytest.raises(UserError, match="lora_dropout"):
        load_train_config(None, {"lora_dropout": 1.5})
    with pytest.raises(UserError, match="not found"):
        load_train_config(tmp_path / "missing.toml", {})
    broken = tmp_path / "broken.toml"
    broken.write_text("lora_r = = 3\n")
    with pytest.raises(UserError, match=r"broken\.toml"):
        load_train_config(broken, {})
    other = tmp_path / "train.json"
    other.write_text("{}")
    with pytest.raises(UserError, match=r"\.toml, \.yaml"):
        load_train_config(other, {})


def test_config_hash_changes_with_any_setting() -> None:
    assert TrainConfig().config_hash() == TrainConfig().config_hash()
    assert TrainConfig().config_hash() != TrainConfig(lora_r=8).config_hash()
    assert TrainConfig(target_modules=("q_proj",)).to_dict()["target_modules"] == ["q_proj"]


def test_model_presets_apply_without_a_file_and_flags_win(tmp_path: Path) -> None:
    from ptc_bench.benchmark.approaches.generate import GenerateApproach

    preset = GenerateApproach().training_preset
    smol = load_train_config(None, {"epochs": 4}, preset=preset("smollm2-135m"))
    assert smol.learning_rate == 1e-3 and smol.per_device_batch_size == 1
    assert smol.max_empty_share == 0.0 and smol.epochs == 4.0
    assert load_train_config(None, {}, preset=preset("tiny")).learning_rate == 3e-3
    assert load_train_config(None, {}, preset=preset("some/hub-model")) == TrainConfig()
    path = tmp_path / "train.toml"
    path.write_text("[train]\nlora_r = 8\n")
    layered = load_train_config(path, {"epochs": 2}, preset=preset("smollm2-135m"))
    assert (layered.lora_r, layered.learning_rate, layered.epochs) == (
        8,
        1e-3,
        2.0,
    )  # file over preset, flag over both


@pytest.mark.parametrize(
    ("field", "value"), [("max_empty_share", 1.5), ("max_train_windows", 0), ("max_eval_windows", -2)]
)
def test_sub_sampling_settings_are_checked(field: str, value: float) -> None:
    with pytest.raises(UserError, match=field):
        TrainConfig(**{field: value})  # type: ignore[arg-type]
