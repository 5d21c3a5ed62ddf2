"""The run configuration: one object that defines a run, built from flags or from a run's manifest.

`bench run` and `bench eval` build it from their flags (the training settings from the config
file's [train] table and the hyper-parameter flags); `bench compare` rebuilds a source run's
settings from its manifest for every cross-evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from benchmark import limits
from benchmark.limits import Range
from benchmark.models.quant import Quantization
from benchmark.training.config import TrainConfig
from core.errors import UserError
from metrics.align import AlignPolicy

Approach = Literal["generate", "tagger"]

# What a manifest's identity records and a cross-evaluation reuses (never where files go, whether
# the cache is used, or trust_remote_code: a value read from a file never enables a model's code).
MANIFEST_SETTINGS: tuple[str, ...] = (
    "model",
    "quantization",
    "split",
    "variant",
    "window_chars",
    "max_new_tokens",
    "batch_size",
    "do_sample",
    "constrained",
    "policy",
    "iterations",
    "seed",
    "limit_articles",
)
FLAG_NAMES = {"do_sample": "sample"}  # RunSpec field -> argparse dest, where they differ


# What a config file may set beside its [train] table (flags override it): how the evaluation runs,
# never which model, where files go or whether a model's code may run.
def _ranged(allowed: Range) -> tuple[type, Callable[[Any], bool], str]:
    return (int, allowed.allows, allowed.describe())


FILE_SETTINGS: dict[str, tuple[type, Callable[[Any], bool], str]] = {
    "split": (str, lambda v: v in ("dev", "validation"), "dev or validation"),
    "window_chars": _ranged(limits.WINDOW_CHARS),
    "batch_size": _ranged(limits.BATCH_SIZE),
    "max_new_tokens": _ranged(limits.MAX_NEW_TOKENS),
    "do_sample": (bool, lambda v: True, "true or false"),
    "constrained": (bool, lambda v: True, "true or false"),
    "policy": (str, lambda v: v in ("all", "first"), "all or first"),
    "iterations": _ranged(limits.ITERATIONS),
    "seed": _ranged(limits.SEED),
    "limit_articles": _ranged(limits.LIMIT_ARTICLES),
}


def read_run_settings(path: Path) -> dict[str, Any]:
    """The run settings of a config file (the top-level keys beside its [train] table), checked."""
    from benchmark.training.config import read_config_file

    settings = read_config_file(Path(path))[0]
    for name, value in settings.items():
        if name not in FILE_SETTINGS:
            known = ", ".join(FILE_SETTINGS)
            raise UserError(f"{path}: unknown table or key {name!r} beside [train]; run settings: {known}")
        kind, valid, expected = FILE_SETTINGS[name]
        if type(value) is not kind or not valid(value):
            raise UserError(f"{path}: run setting {name} = {value!r}: expected {expected}")
    return settings


@dataclass(frozen=True)
class RunSpec:
    """Everything that defines a run; its hash names the run folder, so a re-run resumes it."""

    task: str
    model: str = "tiny"
    quantization: Quantization = "4bit"
    split: str = "dev"
    variant: str = "instruction"
    window_chars: int = 1200
    data_dir: str | None = None
    runs_dir: Path = Path("runs")
    train: TrainConfig = field(default_factory=TrainConfig)
    max_new_tokens: int | None = None
    batch_size: int = 8
    do_sample: bool = False
    constrained: bool = False
    policy: AlignPolicy = "all"
    iterations: int = 1000
    seed: int = 0
    limit_articles: int | None = None
    no_cache: bool = False
    trust_remote_code: bool = False
    systems: tuple[str, ...] = ("base", "adapted")
    adapter: Path | None = None
    approach: Approach = "generate"
    precision: str = "auto"  # resolved on construction to fp32 or bf16 (`benchmark.models.precision`)

    def __post_init__(self) -> None:
        if self.precision not in ("fp32", "bf16"):
            object.__setattr__(self, "precision", _resolved_precision(self.precision, self.approach))
        elif self.approach == "tagger" and self.precision == "bf16":
            raise UserError("the tagger trains and tags in fp32; --precision applies to --approach generate")

    def identity(self) -> dict[str, Any]:
        """What changes the numbers (not where files go or whether the cache is used)."""
        fields = asdict(self)
        for name in ("runs_dir", "no_cache", "data_dir"):
            fields.pop(name)
        if self.approach == "generate":  # absent for generation, so earlier run ids stay valid
            fields.pop("approach")
        if self.precision == "fp32":  # likewise: runs made before `precision` computed in fp32
            fields.pop("precision")
        fields["train"] = self.train.config_hash()
        fields["adapter"] = str(self.adapter) if self.adapter else None
        return fields

    @classmethod
    def from_flags(
        cls, flags: Mapping[str, Any], settings: Mapping[str, Any] | None = None, **fixed: Any
    ) -> RunSpec:
        """Defaults, then a config file's run `settings`, then the flags given (argparse dests, not None).

        `fixed` values (the task, the resolved model settings, ...) take precedence over all three.
        """
        values = {name: value for name, value in (settings or {}).items() if name not in fixed}
        for spec_field in fields(cls):
            flag = FLAG_NAMES.get(spec_field.name, spec_field.name)
            if spec_field.name not in fixed and flags.get(flag) is not None:
                values[spec_field.name] = flags[flag]
        return cls(**values, **fixed)

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any], **fixed: Any) -> RunSpec:
        """A run's settings as its manifest.json recorded them, with `fixed` ones (task, adapter, ...).

        KeyError naming the first setting the manifest's identity lacks.
        """
        identity = manifest["identity"]
        values = {name: identity[name] for name in MANIFEST_SETTINGS if name not in fixed}
        values.setdefault("data_dir", manifest.get("data_option"))
        if "approach" not in fixed:  # recorded only for the tagger
            values["approach"] = identity.get("approach", "generate")
        if "precision" not in fixed:  # recorded only when not fp32
            values["precision"] = identity.get("precision", "fp32")
        return cls(**values, **fixed)


def _resolved_precision(choice: str, approach: str) -> str:
    """`auto` for this machine (the tagger always fp32); an unknown value is one UserError line."""
    from benchmark.models.precision import default_device_type, resolve_precision

    if choice == "auto" and approach == "tagger":
        return "fp32"
    resolve_precision(choice, "cpu")  # rejects unknown values before torch is imported
    return resolve_precision(choice, default_device_type())
