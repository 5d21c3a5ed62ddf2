"""Training hyper-parameters: QLoRA-recipe defaults, a TOML/YAML config file, flag overrides."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import stable_hash

Optimizer = Literal["auto", "paged_adamw_8bit", "adamw_torch", "adamw_8bit", "sgd"]


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one adapter training; defaults follow the widely used QLoRA recipe."""

    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: str | tuple[str, ...] = "all-linear"
    learning_rate: float = 2e-4
    epochs: float = 3.0
    max_steps: int = -1
    lr_scheduler: str = "cosine"
    warmup_ratio: float = 0.03
    weight_decay: float = 0.0
    per_device_batch_size: int = 4
    gradient_accumulation_steps: int = 1
    max_seq_length: int = 2048
    gradient_checkpointing: bool = True
    eval_each_epoch: bool = True
    early_stopping_patience: int = 2
    seed: int = 42
    optimizer: Optimizer = "auto"
    group_by_length: bool = True
    logging_steps: int = 10
    save_total_limit: int = 2
    max_empty_share: float = 1.0  # at most this share of training windows answer {} (1.0: keep all)
    max_train_windows: int = -1  # a deterministic sub-sample of the training windows (-1: all)
    max_eval_windows: int = -1  # validation windows used for the eval loss (-1: all)
    tag_positive_weight: float = 1.0  # tagger only: loss weight of B and I tags relative to O

    def __post_init__(self) -> None:
        from ptc_bench.benchmark.limits import TRAIN

        for name, allowed in TRAIN.items():
            value = getattr(self, name)
            if not allowed.allows(value):
                raise UserError(f"invalid training setting {name} = {value!r}: expected {allowed.describe()}")
        modules = self.target_modules
        if isinstance(modules, str) and not modules.strip():
            raise UserError("invalid training setting target_modules = '': name at least one module")
        if not isinstance(modules, str) and (
            not modules or not all(isinstance(m, str) and m for m in modules)
        ):
            raise UserError(
                f"invalid training setting target_modules = {list(modules)!r}: "
                "expected a non-empty list of module names (or 'all-linear')"
            )
        if self.optimizer not in ("auto", "paged_adamw_8bit", "adamw_torch", "adamw_8bit", "sgd"):
            raise UserError(f"unknown optimizer {self.optimizer!r}")

    def resolved_optimizer(self, cuda: bool) -> str:
        """The optimizer name for transformers: paged 8-bit AdamW on CUDA, plain AdamW on CPU."""
        if self.optimizer == "auto":
            return "paged_adamw_8bit" if cuda else "adamw_torch"
        return self.optimizer

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view (tuples become lists)."""
        data = dataclasses.asdict(self)
        if isinstance(data["target_modules"], tuple):
            data["target_modules"] = list(data["target_modules"])
        return data

    def config_hash(self) -> str:
        """Short sha256 of the settings, to tell whether a saved adapter matches a request."""
        return stable_hash(self.to_dict(), 16, ensure_ascii=True)


FIELD_NAMES = tuple(field.name for field in fields(TrainConfig))


# The QLoRA defaults suit 7B models on GPUs. Small models trained on a few dozen windows on a CPU
# need a larger learning rate and more updates; the presets are chosen on the validation part of
# train (docs/models-and-training.md, "Training presets"): the layer a --config file and then the
# flags override; the adapter manifest records the hyper-parameters they resolve to.
# SmolLM2-135M's recipe (docs/recipe-study.md); Gemma 3 270M passed the same rule with it on
# validation (SI F1 0.151, docs/recipe-study.md, "Gemma 3 270M"), so both use it.
SMALL_LM_PRESET: Mapping[str, object] = {
    "learning_rate": 1e-3,
    "epochs": 1.0,
    "per_device_batch_size": 1,
    "gradient_checkpointing": False,
    "lora_r": 16,
    "lora_alpha": 32,
    "lora_dropout": 0.0,
    "warmup_ratio": 0.05,
    "max_empty_share": 0.0,  # no {} targets: at batch 1 they teach a {} prior (docs/recipe-study.md)
    "early_stopping_patience": 1,
}
TRAIN_PRESETS: Mapping[str, Mapping[str, object]] = {
    "tiny": {
        "learning_rate": 3e-3,
        "epochs": 15.0,
        "lora_r": 32,
        "lora_alpha": 64,
        "early_stopping_patience": 3,
    },
    "smollm2-135m": SMALL_LM_PRESET,
    "gemma3-270m": SMALL_LM_PRESET,
}


# The tagger (`--approach tagger`) trains a token-classification head: an encoder fine-tuned in
# full (warmup, weight decay, linear decay), LoRA on a causal backbone. Windows are cut at 512
# tokens. Two epochs over the answered windows plus at most 30% empty ones: the budget of a 2-core
# CPU. Plain cross-entropy at 1e-4 (and at 5e-4) stayed at the all-O prior on PTC (validation SI F1
# 0); B and I weighted 5x at 3e-4 left it within 30 steps on train windows (README, "tagging").
TAGGER_DEFAULTS: Mapping[str, object] = {
    "learning_rate": 3e-4,
    "epochs": 2.0,
    "max_empty_share": 0.3,
    "tag_positive_weight": 5.0,
    "per_device_batch_size": 8,
    "warmup_ratio": 0.1,
    "weight_decay": 0.01,
    "max_seq_length": 512,
    "gradient_checkpointing": False,
    "early_stopping_patience": 1,
    "lr_scheduler": "linear",
}
TAGGER_PRESETS: Mapping[str, Mapping[str, object]] = {
    "tiny": {
        "learning_rate": 3e-3,
        "epochs": 4.0,
        "per_device_batch_size": 8,
        "lora_r": 16,
        "lora_alpha": 32,
    },
    "smollm2-135m": {"learning_rate": 5e-4, "epochs": 1.0, "per_device_batch_size": 8, "lora_dropout": 0.0},
}


def load_train_config(
    path: Path | None,
    overrides: Mapping[str, object] | None = None,
    *,
    preset: Mapping[str, object] | None = None,
) -> TrainConfig:
    """Defaults, then the `preset` (an approach's, for a model), then the file, then the overrides."""
    values: dict[str, object] = dict(preset or {})
    if path is not None:
        values.update(read_config_file(Path(path))[1])
        _reject_unknown(values, f"in {path}")
    cleaned = {key: value for key, value in (overrides or {}).items() if value is not None}
    _reject_unknown(cleaned, "in the overrides")
    values.update(cleaned)
    return _build(values, path)


MAX_CONFIG_BYTES = 1_000_000


def read_config_file(path: Path) -> tuple[dict[str, object], dict[str, object]]:
    """(run settings, training settings) of a TOML or YAML config file.

    With a [train] table, the training settings are its keys and the top-level keys beside it are
    run settings (`benchmark.stage.spec.FILE_SETTINGS`); without one, every key is a training setting.
    """
    if not path.is_file():
        raise UserError(f"config file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise UserError(f"{path}: over {MAX_CONFIG_BYTES:,} bytes; a config file is a short file")
        text = path.read_text(encoding="utf-8")
        if suffix == ".toml":
            import tomllib

            data: object = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            data = _load_yaml(text) or {}
        else:
            raise UserError(f"{path}: config files must end in .toml, .yaml or .yml")
    except RecursionError:
        raise UserError(f"{path}: nested too deeply to be a config file") from None
    except (ValueError, ImportError) as error:  # tomllib.TOMLDecodeError is a ValueError
        raise UserError(f"{path}: cannot parse the config file: {str(error)[:300]}") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror or error}") from None
    except Exception as error:  # yaml.YAMLError has no common base we import eagerly
        if type(error).__module__.startswith("yaml"):
            raise UserError(f"{path}: cannot parse the config file: {str(error)[:300]}") from None
        raise
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of settings at the top level")
    section = data.get("train", data)
    if not isinstance(section, dict):
        raise UserError(f"{path}: the [train] section must be a table of settings")
    run = {str(key).replace("-", "_"): value for key, value in data.items() if key != "train"}
    if "train" not in data:
        run = {}
    return run, {str(key).replace("-", "_"): value for key, value in section.items()}


def _load_yaml(text: str) -> object:
    """YAML without aliases: a config file needs none, and an alias bomb (`*a` lists of lists) would
    expand to billions of nodes; an alias is one error line instead."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: object, index: object) -> object:  # type: ignore[override]
            if self.check_event(yaml.events.AliasEvent):
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(
                    f"line {mark.line + 1}: aliases (*name) are not allowed in a config file"
                )
            return super().compose_node(parent, index)  # type: ignore[arg-type]

    return yaml.load(text, Loader=NoAliasLoader)


def _reject_unknown(values: Mapping[str, object], where: str) -> None:
    """One clear line for the first setting TrainConfig does not have."""
    for key in values:
        if key not in FIELD_NAMES:
            raise UserError(f"unknown training setting {key!r} {where}; known: {', '.join(FIELD_NAMES)}")


def _build(values: Mapping[str, object], path: Path | None) -> TrainConfig:
    """TrainConfig from loose values, coercing numbers and lists and naming bad types."""
    defaults = TrainConfig()
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        default = getattr(defaults, key)
        kwargs[key] = _coerce(key, value, default, path)
    return TrainConfig(**kwargs)


def _coerce(key: str, value: object, default: object, path: Path | None) -> object:
    """Cast `value` to the type of the default (int/float/bool/str, or a module list)."""
    where = f" in {path}" if path is not None else ""
    if key == "target_modules":
        if isinstance(value, str):
            return value if value == "all-linear" else tuple(v.strip() for v in value.split(",") if v.strip())
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return tuple(value)
    elif isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
            return value.lower() in ("true", "yes", "1")
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
    elif isinstance(default, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
    elif isinstance(value, str):
        return value
    raise UserError(f"training setting {key} = {value!r}{where}: expected {type(default).__name__}")
