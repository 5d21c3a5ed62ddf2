"""One comparison row (ours vs the naive way), its ratio and whether it meets its target."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Better = Literal["lower", "higher"]
TargetKind = Literal["ratio_at_least", "ratio_above", "ours_below", "info"]


@dataclass(frozen=True)
class Target:
    """What a row must reach: a minimum improvement ratio, an absolute ceiling for ours, or nothing."""

    kind: TargetKind
    value: float = 0.0
    unit: str = ""

    def describe(self) -> str:
        """Short human text, e.g. `>= 20x`, `< 1 s`, `info`."""
        if self.kind == "ratio_at_least":
            return f">= {self.value:g}x"
        if self.kind == "ratio_above":
            return f"> {self.value:g}x"
        if self.kind == "ours_below":
            return f"< {self.value:g} {self.unit}".rstrip()
        return "info"

    def is_met(self, ours: float | None, ratio: float | None) -> bool:
        """True when the measured values satisfy the target (always True for `info` rows)."""
        if self.kind == "info":
            return True
        if self.kind == "ours_below":
            return ours is not None and ours < self.value
        if ratio is None:
            return False
        return ratio >= self.value if self.kind == "ratio_at_least" else ratio > self.value


INFO = Target("info")


@dataclass(frozen=True)
class PerfRow:
    """A measured comparison; `ratio` is the improvement factor of ours over naive (> 1 = ours better)."""

    section: str
    name: str
    ours: float | None
    naive: float | None
    ratio: float | None
    unit: str
    target: str
    met: bool
    notes: str
    skipped: bool = False

    def to_json(self) -> dict[str, Any]:
        """The perf.json object of this row."""
        return asdict(self)


def improvement_ratio(ours: float | None, naive: float | None, better: Better) -> float | None:
    """naive/ours when lower is better, ours/naive when higher is better; None when undefined."""
    if ours is None or naive is None:
        return None
    numerator, denominator = (naive, ours) if better == "lower" else (ours, naive)
    if denominator <= 0:
        return None
    return numerator / denominator


def make_row(
    section: str,
    name: str,
    *,
    ours: float | None,
    naive: float | None,
    unit: str,
    better: Better = "lower",
    target: Target = INFO,
    notes: str = "",
) -> PerfRow:
    """A row with its ratio and `met` computed from the target."""
    ratio = improvement_ratio(ours, naive, better)
    return PerfRow(
        section, name, ours, naive, ratio, unit, target.describe(), target.is_met(ours, ratio), notes
    )


def skipped_row(section: str, name: str, *, unit: str, target: Target = INFO, notes: str) -> PerfRow:
    """A row that could not be measured here (e.g. GPU rows on a CPU machine): no numbers, not met."""
    return PerfRow(section, name, None, None, None, unit, target.describe(), False, notes, skipped=True)
