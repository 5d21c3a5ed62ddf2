"""The run configuration: one object that defines a run, built from flags or from a run's manifest.

`bench run` and `bench eval` build it from their flags (the training settings from the config
file's [train] table and the hyper-parameter flags); `bench compare` rebuilds a source run's
settings from its manifest for every cross-evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ptc_bench.benchmark import limits
from ptc_bench.benchmark.generation.engines import (
    DEFAULT_ENGINE,
    SERVED_ENGINE,
    engine_from_identity,
    get_engine,
)
from ptc_bench.benchmark.limits import Range
from ptc_bench.benchmark.models.catalogue import DEFAULT_MODEL
from ptc_bench.benchmark.models.precision import PRECISIONS
from ptc_bench.benchmark.models.quant import Quantization
from ptc_bench.benchmark.training.config import TrainConfig
from ptc_bench.core.errors import UserError
from ptc_bench.core.manifests import RunManifest
from ptc_bench.core.records import DEFAULT_APPROACH
from ptc_bench.metrics.align import AlignPolicy

SPLITS = ("dev", "validation")
VARIANTS = ("instruction", "chat")
SYSTEMS = ("base", "adapted")

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
    "split": (str, lambda v: v in SPLITS, "dev or validation"),
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
    from ptc_bench.benchmark.training.config import read_config_file

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
    model: str = DEFAULT_MODEL  # as `--model` says; tests name `tiny` where they mean it
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
    approach: str = DEFAULT_APPROACH  # a name of `benchmark.approaches.APPROACHES`
    precision: str = "fp32"  # fp32 or bf16: `--precision auto` is resolved by the approach
    engine: str = (
        DEFAULT_ENGINE  # a registered engine (`generation.engines`); `--engine auto` is resolved before
    )
    endpoint: str | None = None  # the OpenAI-compatible base URL of an endpoint run (`model` is its name)
    api_key_env: str = "OPENAI_API_KEY"  # how an endpoint run is made, not what it computes:
    concurrency: int = 8  # these three are no part of the identity
    request_timeout: float = 120.0

    def __post_init__(self) -> None:
        """One UserError line for the first setting out of its range (before any work)."""
        for name, (kind, valid, expected) in FILE_SETTINGS.items():
            value = getattr(self, name)
            if value is None and name in ("max_new_tokens", "limit_articles"):
                continue
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)) or not valid(value):
                raise UserError(f"run setting {name} = {value!r}: expected {expected}")
        if self.variant not in VARIANTS:
            raise UserError(f"prompt variant {self.variant!r}: expected one of {', '.join(VARIANTS)}")
        if not self.systems or any(system not in SYSTEMS for system in self.systems):
            raise UserError(f"systems {self.systems!r}: expected base and/or adapted")
        if self.precision not in PRECISIONS:
            raise UserError(f"precision {self.precision!r}: expected fp32 or bf16 (auto is resolved before)")
        if get_engine(self.engine).served != (self.endpoint is not None):
            raise UserError(f"an endpoint run needs both engine {SERVED_ENGINE!r} and the endpoint's URL")

    def identity(self) -> dict[str, Any]:
        """What changes the numbers (not where files go or whether the cache is used)."""
        fields = asdict(self)
        for name in ("runs_dir", "no_cache", "data_dir", "api_key_env", "concurrency", "request_timeout"):
            fields.pop(name)
        if self.approach == DEFAULT_APPROACH:  # absent for it, so earlier run ids stay valid
            fields.pop("approach")
        if self.precision == "fp32":  # likewise: runs made before `precision` computed in fp32
            fields.pop("precision")
        engine = get_engine(self.engine).identity()  # greedy outputs differ across engines
        if engine is None:  # hf: absent, as for runs made before engines (they used transformers)
            fields.pop("engine")
        else:
            fields["engine"] = engine
        if self.endpoint is None:
            fields.pop("endpoint")
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
    def from_manifest(cls, manifest: RunManifest, **fixed: Any) -> RunSpec:
        """A run's settings as its manifest.json recorded them, with `fixed` ones (task, adapter, ...).

        KeyError naming the first setting the manifest's identity lacks.
        """
        identity = manifest.identity
        values = {name: identity[name] for name in MANIFEST_SETTINGS if name not in fixed}
        values.setdefault("data_dir", manifest.data_option)
        if "approach" not in fixed:  # recorded only when not the default
            values["approach"] = identity.get("approach", DEFAULT_APPROACH)
        if "precision" not in fixed:  # recorded only when not fp32
            values["precision"] = identity.get("precision", "fp32")
        if "engine" not in fixed:  # recorded only when not hf, with vLLM's version
            values["engine"] = engine_from_identity(identity.get("engine"))
        if "endpoint" not in fixed:
            values["endpoint"] = identity.get("endpoint")
        return cls(**values, **fixed)
