"""The allowed range of every numeric setting, defined once for flags and config files alike.

A value outside its range would pass parsing and fail late, after model work (a negative seed in
the bootstrap, 10^11 iterations allocating terabytes, a LoRA rank of 10^11, `epochs = inf`), so
each is checked where it is parsed: argparse types (`benchmark.commands._options.in_range`), the
run settings of a config file (`benchmark.stage.spec.FILE_SETTINGS`) and `TrainConfig`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SEED_MAX = 2**32 - 1  # numpy's and torch's seeds are unsigned 32-bit


@dataclass(frozen=True)
class Range:
    """Inclusive bounds of an int or float setting; `unset` is an extra allowed value (e.g. -1: all)."""

    low: float
    high: float
    integer: bool = True
    unset: int | None = None
    low_open: bool = False  # True: the low bound itself is not allowed (a rate > 0)
    high_open: bool = False

    def allows(self, value: object) -> bool:
        """True when `value` is a number of the right kind inside the range (or the unset value)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.integer and not isinstance(value, int):
            return False
        if self.unset is not None and value == self.unset:
            return True
        if not math.isfinite(value):
            return False
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe(self) -> str:
        """'a positive integer up to 4,096', 'a number >= 0 and below 1', with the unset value if any."""
        kind = "integer" if self.integer else "number"
        if self.low == 0 and self.low_open:
            text = f"a positive {kind}"
        elif self.low == 0:
            text = f"a non-negative {kind}"
        elif self.low == 1 and self.integer:
            text = "a positive integer"
        else:
            text = f"{'an integer' if self.integer else 'a number'} >= {_number(self.low)}"
        text += f" below {_number(self.high)}" if self.high_open else f" up to {_number(self.high)}"
        return text if self.unset is None else f"{text}, or {self.unset}"


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


# run and evaluation settings
SEED = Range(0, SEED_MAX)
ITERATIONS = Range(0, 100_000)  # bootstrap resamples: memory grows with iterations x articles
WINDOW_CHARS = Range(1, 1_000_000)
BATCH_SIZE = Range(1, 4_096)
MAX_NEW_TOKENS = Range(1, 1_000_000)
LIMIT_ARTICLES = Range(1, 10_000_000)
SHOTS = Range(0, 1_000)
CONCURRENCY = Range(1, 256)  # endpoint requests in flight
REQUEST_TIMEOUT = Range(0, 86_400, integer=False, low_open=True)  # seconds per endpoint request

# training settings (TrainConfig field -> range)
TRAIN: dict[str, Range] = {
    "lora_r": Range(1, 4_096),
    "lora_alpha": Range(1, 1_000_000),
    "lora_dropout": Range(0.0, 1.0, integer=False, high_open=True),
    "learning_rate": Range(0.0, 10.0, integer=False, low_open=True),
    "epochs": Range(0.0, 10_000.0, integer=False, low_open=True),
    "max_steps": Range(1, 100_000_000, unset=-1),
    "warmup_ratio": Range(0.0, 1.0, integer=False, high_open=True),
    "weight_decay": Range(0.0, 10.0, integer=False),
    "per_device_batch_size": Range(1, 4_096),
    "gradient_accumulation_steps": Range(1, 65_536),
    "max_seq_length": Range(16, 1_048_576),
    "early_stopping_patience": Range(0, 10_000),
    "seed": SEED,
    "logging_steps": Range(1, 1_000_000),
    "save_total_limit": Range(1, 1_000),
    "max_empty_share": Range(0.0, 1.0, integer=False),
    "max_train_windows": Range(1, 100_000_000, unset=-1),
    "max_eval_windows": Range(1, 100_000_000, unset=-1),
    "tag_positive_weight": Range(0.0, 1_000.0, integer=False, low_open=True),
}
