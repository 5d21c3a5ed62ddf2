"""The training recipe on the tiny model: outputs and manifest, completion-only labels, learning, resume."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ptc_bench.benchmark.training.config import TrainConfig
from ptc_bench.benchmark.training.examples import TrainExample
from ptc_bench.benchmark.training.train import TrainResult, examples_hash, train_adapter
from ptc_bench.core.errors import UserError
from tests.benchmark.tiny_helpers import tiny_model_path

pytestmark = pytest.mark.integration  # trains or launches model processes

EXAMPLES = [
    TrainExample(
        f"Text: the council met on day {i} to discuss the bridge.\nAnswer:\n", '{"the bridge": "place"}'
    )
    for i in range(6)
]
FAST = TrainConfig(per_device_batch_size=2, logging_steps=1, gradient_checkpointing=False, max_seq_length=128)


def test_short_run_writes_adapter_and_manifest_then_resumes(tmp_path: Path) -> None:
    config = TrainConfig(**{**FAST.to_dict(), "max_steps": 2, "eval_each_epoch": False})
    first = train_adapter(
        EXAMPLES,
        EXAMPLES[:2],
        model_id=str(tiny_model_path()),
        quantization="4bit",
        config=config,
        output_dir=tmp_path,
        progress=False,
        extra={"task": "name-calling"},
    )
    assert first.global_step == 2 and first.resumed_from is None
    assert (tmp_path / "adapter" / "adapter_config.json").is_file()
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()
    assert (tmp_path / "adapter" / "tokenizer.json").is_file()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["task"] == "name-calling"
    assert manifest["base_model"]["quantization"] == "4bit"
    assert manifest["data"]["hash"] == examples_hash(EXAMPLES) and manifest["data"]["n_train"] == 6
    assert manifest["hyperparameters"]["lora_r"] == 16 and manifest["hyperparameters"]["max_steps"] == 2
    assert manifest["compute"]["optimizer"] == "adamw_torch"
    assert manifest["train_loss"] > 0 and manifest["wall_seconds"] > 0
    tokens = manifest["tokens"]
    assert 0 < tokens["per_epoch_loss_bearing"] < tokens["per_epoch_total"]
    assert manifest["peak_memory"]["bytes"] > 0
    assert set(manifest["versions"]) >= {"torch", "transformers", "peft", "trl", "bitsandbytes"}

    resumed = train_adapter(
        EXAMPLES,
        EXAMPLES[:2],
        model_id=str(tiny_model_path()),
        quantization="4bit",
        config=TrainConfig(**{**config.to_dict(), "max_steps": 4}),
        output_dir=tmp_path,
        progress=False,
    )
    assert resumed.resumed_from is not None and resumed.resumed_from.endswith("checkpoint-2")
    assert resumed.global_step == 4
    steps_logged = [entry["step"] for entry in resumed.manifest.log_history if "loss" in entry]
    assert steps_logged[-1] == 4 and 1 not in steps_logged[2:]  # continued, not restarted


def test_loss_is_on_the_completion_and_its_eos_and_decreases(tmp_path: Path) -> None:
    repeated = [EXAMPLES[0]] * 4
    config = TrainConfig(**{**FAST.to_dict(), "learning_rate": 1e-2, "epochs": 4.0, "warmup_ratio": 0.0})
    result = train_adapter(
        repeated,
        repeated[:2],
        model_id=str(tiny_model_path()),
        quantization="none",
        config=config,
        output_dir=tmp_path,
        progress=False,
    )
    losses = [entry["loss"] for entry in result.manifest.log_history if "loss" in entry]
    assert len(losses) == 8
    # 8 LoRA steps from a zero B matrix move the loss by ~0.4 nats (measured 4.72 -> 4.2)
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3 - 0.15, losses
    assert losses[-1] < losses[0]
    assert result.eval_loss is not None and result.eval_loss < losses[0]
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(result.adapter_dir)
    completion_ids = tokenizer(EXAMPLES[0].completion + tokenizer.eos_token, add_special_tokens=False)[
        "input_ids"
    ]
    tokens = result.manifest.details["tokens"]
    # loss-bearing tokens per epoch = the completion with its eos, nothing from the prompt
    assert tokens["per_epoch_loss_bearing"] == 4 * len(completion_ids)


def test_no_examples_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no training examples"):
        train_adapter([], [], model_id="tiny", config=TrainConfig(), output_dir=tmp_path)


SHORT_ANSWER = TrainExample("Text: a quiet day in town.\nAnswer:\n", "{}")
LONG_ANSWER = TrainExample(
    "Text: the council met on day one to discuss the bridge.\nAnswer:\n",
    '{"the council met on day one": "place", "the bridge": "place"}',
)
ONE_STEP_OF_TWO = TrainConfig(
    per_device_batch_size=1,
    gradient_accumulation_steps=2,
    max_steps=1,
    logging_steps=1,
    lora_dropout=0.0,
    gradient_checkpointing=False,
    eval_each_epoch=False,
    group_by_length=False,
    max_seq_length=128,
)


def _answer_token_nlls(model_path: Path, example: TrainExample) -> list[float]:
    """The base model's loss on each answer token (and the eos), computed directly (no trainer)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32).eval()
    prompt_ids = tokenizer(example.prompt)["input_ids"]
    ids = tokenizer(example.prompt + example.completion + tokenizer.eos_token)["input_ids"]
    assert ids[: len(prompt_ids)] == prompt_ids
    with torch.inference_mode():
        logits = model(input_ids=torch.tensor([ids])).logits[0].float()
    log_probs = logits.log_softmax(-1)
    return [-float(log_probs[i - 1, ids[i]]) for i in range(len(prompt_ids), len(ids))]


def _first_logged_loss(result: TrainResult) -> float:
    return float(next(entry["loss"] for entry in result.manifest.log_history if "loss" in entry))


def test_an_optimiser_step_weighs_every_answer_token_alike(tmp_path: Path) -> None:
    """Two windows in one step (batch 1, accumulation 2): the loss is the mean over all their answer
    tokens, not the mean of the two windows' means. With the per-window mean, a `{}` window's one
    decision token outweighs an answered window's ~30 (the collapse to `{}` on PTC; README)."""
    model = tiny_model_path()
    short, long = _answer_token_nlls(model, SHORT_ANSWER), _answer_token_nlls(model, LONG_ANSWER)
    token_mean = (sum(short) + sum(long)) / (len(short) + len(long))
    window_mean = (sum(short) / len(short) + sum(long) / len(long)) / 2
    assert abs(token_mean - window_mean) > 0.05  # the two averages tell apart on these answers
    result = train_adapter(
        [SHORT_ANSWER, LONG_ANSWER],
        [],
        model_id=str(model),
        quantization="none",
        config=ONE_STEP_OF_TWO,
        output_dir=tmp_path,
        progress=False,
        precision="fp32",
    )
    assert _first_logged_loss(result) == pytest.approx(token_mean, abs=2e-3)


def test_bf16_autocast_steps_stay_within_one_percent_of_fp32(tmp_path: Path) -> None:
    """Three LoRA steps at a high learning rate under CPU bf16 autocast end at the fp32 run's loss to
    within 1% (the stated tolerance: bf16 keeps ~3 significant digits); the gradients differ, so the
    steps really ran in bf16."""
    config = replace(ONE_STEP_OF_TWO, max_steps=3, learning_rate=1e-2, warmup_ratio=0.0)
    logs = {}
    for precision in ("fp32", "bf16"):
        result = train_adapter(
            [SHORT_ANSWER, LONG_ANSWER] * 3,
            [],
            model_id=str(tiny_model_path()),
            quantization="none",
            config=config,
            output_dir=tmp_path / precision,
            progress=False,
            precision=precision,
        )
        assert result.manifest.details["compute"]["precision"] == precision
        assert result.manifest.details["compute"]["bf16"] is (precision == "bf16")
        logs[precision] = [entry for entry in result.manifest.log_history if "loss" in entry]
    fp32, bf16 = logs["fp32"], logs["bf16"]
    assert len(fp32) == len(bf16) == 3
    assert bf16[-1]["loss"] == pytest.approx(fp32[-1]["loss"], rel=1e-2)
    assert bf16[0]["grad_norm"] != fp32[0]["grad_norm"]


TIMING_KEYS = {"eval_runtime", "eval_samples_per_second", "eval_steps_per_second"}
TIMING_KEYS |= {"train_runtime", "train_samples_per_second", "train_steps_per_second"}


def _log_without_timings(manifest: TrainResult) -> list[dict[str, object]]:
    return [
        {k: v for k, v in entry.items() if k not in TIMING_KEYS} for entry in manifest.manifest.log_history
    ]


def test_a_kill_while_the_adapter_is_saved_finishes_to_the_uninterrupted_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reliability round 4, case 3: no extra step, the same loss, log and adapter as without the kill."""
    from trl import SFTTrainer

    config = TrainConfig(**{**FAST.to_dict(), "max_steps": 3})
    options = {
        "model_id": str(tiny_model_path()),
        "quantization": "none",
        "config": config,
        "progress": False,
    }
    reference = train_adapter(EXAMPLES, EXAMPLES[:2], output_dir=tmp_path / "reference", **options)  # type: ignore[arg-type]

    original = SFTTrainer.save_model

    def killed_while_saving(
        self: SFTTrainer, output_dir: str | None = None, _internal_call: bool = False
    ) -> None:
        if _internal_call:  # the checkpoints training saves: left alone
            original(self, output_dir, _internal_call)
            return
        Path(output_dir or "").mkdir(parents=True)  # the adapter's folder appears, then the process dies
        raise KeyboardInterrupt

    cut = tmp_path / "cut"
    monkeypatch.setattr(SFTTrainer, "save_model", killed_while_saving)
    with pytest.raises(KeyboardInterrupt):
        train_adapter(EXAMPLES, EXAMPLES[:2], output_dir=cut, **options)  # type: ignore[arg-type]
    assert (cut / "manifest.pending.json").is_file() and not (cut / "manifest.json").exists()
    monkeypatch.setattr(SFTTrainer, "save_model", original)

    resumed = train_adapter(EXAMPLES, EXAMPLES[:2], output_dir=cut, **options)  # type: ignore[arg-type]
    assert resumed.resumed_from is not None and resumed.resumed_from.endswith("checkpoint-3")
    assert (resumed.global_step, resumed.train_loss, resumed.eval_loss) == (
        reference.global_step, reference.train_loss, reference.eval_loss
    )  # fmt: skip
    assert resumed.manifest.epochs_run == reference.manifest.epochs_run
    assert _log_without_timings(resumed) == _log_without_timings(reference)
    assert (cut / "adapter" / "adapter_model.safetensors").read_bytes() == (
        tmp_path / "reference" / "adapter" / "adapter_model.safetensors"
    ).read_bytes()
    assert not (cut / "manifest.pending.json").exists()
