"""The stage contract of `bench run`: what the runner hands a stage (generate or tagger)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ptc_bench.core.types import SplitData

Reporter = Callable[[str], None]


@dataclass(frozen=True)
class PreparedData:
    """The loaded splits and the task's evaluation items."""

    source_dir: Path
    is_sample: bool
    train: SplitData
    validation: SplitData
    evaluation: SplitData
    data_hash: str
