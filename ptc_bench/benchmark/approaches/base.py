"""The approach contract: what `bench run`, `bench eval` and `bench train` ask of an approach.

An approach decides how a model is trained for a task and how it marks spans on the evaluation
windows; everything after that (scoring, CIs, the run folder) is shared. A new approach is one
module implementing `Approach` and one line in `benchmark/approaches/__init__.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ptc_bench.benchmark.evaluation.evaluate import EvalItem, SystemOutcome
    from ptc_bench.benchmark.models.quant import Quantization
    from ptc_bench.benchmark.stage.stage import StageInput
    from ptc_bench.benchmark.training.config import TrainConfig
    from ptc_bench.tasks import Task


@dataclass(frozen=True)
class StageResult:
    """What an approach's run stage hands back to the runner."""

    items: list[EvalItem]
    outcomes: dict[str, SystemOutcome]  # per system ("base", "adapted")
    trained_dir: Path | None  # the adapter or tagger folder the adapted system used
    model_revision: str | None
    oracle: SystemOutcome | None  # the approach's own ceiling; None: the runner's phrase oracle


@dataclass(frozen=True)
class TrainRequest:
    """`bench train`'s settings, resolved: what an approach trains, on what, into which folder."""

    task: Task
    data_dir: Path
    model: str  # as given (a catalogue name, folder or hub id)
    model_path: str  # resolved to a folder or hub id
    variant: str
    window_chars: int
    config: TrainConfig
    quantization: Quantization
    precision: str
    output: Path | None
    resume: bool
    verbose: bool
    quiet: bool
    trust_remote_code: bool


class Approach(Protocol):
    """One way of finding spans with a model; registered by `name`."""

    name: str
    help: str  # one line for --approach's help
    generates: bool  # writes its answers as text, so an engine (--engine, --endpoint) makes them

    def check(self, task: Task, model: str) -> None:
        """Refuse (UserError, one line) a task or model this approach cannot take, before any loading."""

    def check_trained(self, folder: Path) -> None:
        """Refuse (UserError) a given --adapter folder that is not a finished one of this approach."""

    def precision(self, choice: str) -> str:
        """The numerics (fp32 or bf16) this approach uses for a --precision choice on this machine."""

    def training_preset(self, model: str | None) -> Mapping[str, object]:
        """The training settings a model starts from (before a config file and flags)."""

    def run_stage(self, given: StageInput) -> StageResult:
        """Train or reuse (when `adapted` is asked), then mark spans on the evaluation windows."""

    def train(self, request: TrainRequest) -> dict[str, object]:
        """`bench train`: train into `request.output`; the one-line JSON summary's fields."""
