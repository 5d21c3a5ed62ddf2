"""The stage contract of `bench run`: what the runner hands a stage (generate or tagger)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ptc_bench.core.types import SplitData

if TYPE_CHECKING:
    from ptc_bench.benchmark.stage.spec import RunSpec
    from ptc_bench.tasks import Task

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


@dataclass(frozen=True)
class StageInput:
    """What the runner hands an approach's stage: the spec, the task and data, the base model, the folder."""

    spec: RunSpec
    task: Task
    data: PreparedData
    model_path: str  # the base model's local folder (or an endpoint's served name)
    run_dir: Path
    report: Reporter
    verbose: bool = False
