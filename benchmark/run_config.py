"""The run configuration: one object that defines a run, whatever it was built from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmark.evaluate import AlignPolicy
from benchmark.quant import Quantization
from benchmark.train_config import TrainConfig


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

    def identity(self) -> dict[str, Any]:
        """What changes the numbers (not where files go or whether the cache is used)."""
        fields = asdict(self)
        for name in ("runs_dir", "no_cache", "data_dir"):
            fields.pop(name)
        fields["train"] = self.train.config_hash()
        fields["adapter"] = str(self.adapter) if self.adapter else None
        return fields
