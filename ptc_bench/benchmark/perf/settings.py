"""What `bench perf` is asked for (`PerfSettings`) and how much each comparison measures (`Sizes`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ptc_bench.core.errors import UserError

SECTIONS = ("training", "generation", "scoring", "start-up", "memory", "gpu")
Reporter = Callable[[str], None]


@dataclass(frozen=True)
class Sizes:
    """How much each comparison measures (quick: under ~10 minutes on 2 CPU cores with a 135M model, so
    2 windows per timed configuration and 2 generation windows; full: longer, steadier)."""

    timed_windows: int
    notebook_lengths: tuple[int, ...]
    lever_batch: int
    gen_windows: int
    gen_batch_size: int
    gen_max_new_tokens: int | None  # None: the task's answer budget
    score_repeats: int
    startup_repeats: int
    eager_repeats: int
    memory_steps: int
    memory_seq_len: int
    memory_batch: int


QUICK = Sizes(2, (1024, 2048), 2, 2, 2, 192, 3, 5, 1, 2, 256, 2)
FULL = Sizes(16, (1024, 2048, 4096), 8, 32, 8, None, 5, 5, 3, 4, 512, 2)


@dataclass(frozen=True)
class PerfSettings:
    """What `bench perf` was asked for."""

    model: str = "tiny"
    quick: bool = False
    data_dir: str | None = None
    task: str = "name-calling"
    window_chars: int = 1200
    sections: tuple[str, ...] = SECTIONS
    engine: str = "hf"  # resolved; an engine that does not load the model in-process gets its own rows
    adapter: str | None = None  # a LoRA adapter folder: the generation rows of the adapted model too

    def __post_init__(self) -> None:
        unknown = [s for s in self.sections if s not in SECTIONS]
        if unknown:
            raise UserError(f"unknown perf section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
        if self.adapter is not None and "generation" not in self.sections:
            raise UserError("--adapter adds generation rows: include the generation section in --only")

    @property
    def sizes(self) -> Sizes:
        """QUICK or FULL."""
        return QUICK if self.quick else FULL
