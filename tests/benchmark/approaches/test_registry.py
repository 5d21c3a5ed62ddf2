"""The approach registry: names, the one-line refusal, and each approach's own rules."""

from __future__ import annotations

import pytest

from ptc_bench.benchmark.approaches import APPROACH_NAMES, APPROACHES, get_approach
from ptc_bench.benchmark.models.precision import native_bf16
from ptc_bench.benchmark.training.config import TAGGER_DEFAULTS, TRAIN_PRESETS
from ptc_bench.core.errors import UserError
from ptc_bench.core.records import DEFAULT_APPROACH, ModelInfo
from ptc_bench.tasks import get_task


def test_the_registry_names_each_approach_once_and_knows_the_default() -> None:
    assert APPROACH_NAMES == ("generate", "tagger")
    assert all(APPROACHES[name].name == name for name in APPROACH_NAMES)
    assert DEFAULT_APPROACH in APPROACHES
    # tables name a model by its approach unless it is the default (records before approaches)
    assert ModelInfo("m", None, "none").label == "m"
    assert ModelInfo("m", None, "none", approach="tagger").label == "m (tagger)"


def test_an_unknown_approach_is_one_line_naming_the_choices() -> None:
    with pytest.raises(UserError, match="unknown approach 'crf'; choose one of generate, tagger"):
        get_approach("crf")


def test_the_tagger_computes_in_fp32_and_refuses_bf16() -> None:
    tagger = get_approach("tagger")
    assert tagger.precision("auto") == "fp32" and tagger.precision("fp32") == "fp32"
    with pytest.raises(UserError, match="tagger trains and tags in fp32"):
        tagger.precision("bf16")


def test_generation_resolves_auto_by_the_machine() -> None:
    generate = get_approach("generate")
    assert generate.precision("fp32") == "fp32" and generate.precision("bf16") == "bf16"
    assert generate.precision("auto") == ("bf16" if native_bf16() else "fp32")  # no CUDA in the suite
    with pytest.raises(UserError, match="unknown precision 'fp16'"):
        generate.precision("fp16")


def test_each_approach_starts_from_its_own_preset() -> None:
    # the smollm2-135m preset chosen on validation (docs/recipe-study.md, round 2), value by value
    assert get_approach("generate").training_preset("smollm2-135m") == {
        "learning_rate": 0.001, "epochs": 1.0, "per_device_batch_size": 1, "gradient_checkpointing": False,
        "lora_r": 16, "lora_alpha": 32, "lora_dropout": 0.0, "warmup_ratio": 0.05, "max_empty_share": 0.0,
        "early_stopping_patience": 1,
    }  # fmt: skip
    # Gemma 3 270M passed the validation rule with SmolLM2's recipe (docs/recipe-study.md)
    assert get_approach("generate").training_preset("gemma3-270m") == TRAIN_PRESETS["smollm2-135m"]
    assert get_approach("generate").training_preset("a/hub-model") == {}
    tagger = get_approach("tagger").training_preset("a/hub-model")
    assert tagger == dict(TAGGER_DEFAULTS)


def test_a_classification_task_cannot_be_tagged() -> None:
    with pytest.raises(UserError, match="--approach tagger needs a span task"):
        get_approach("tagger").check(get_task("technique-classification"), "tiny")
