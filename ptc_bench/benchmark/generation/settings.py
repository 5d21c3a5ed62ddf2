"""The decoding settings of one generation pass, shared by every engine and the completion cache."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import stable_hash


@dataclass(frozen=True)
class GenSettings:
    """Decoding settings of one generation pass; `key()` names them in the completion cache."""

    max_new_tokens: int
    do_sample: bool = False
    temperature: float = 1.0
    top_p: float = 1.0
    seed: int = 0
    batch_size: int = 8
    constrained: bool = False
    precision: str = "fp32"  # resolved (`benchmark.models.precision`): bf16 runs the model under CPU autocast

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise UserError(f"max_new_tokens must be at least 1, got {self.max_new_tokens}")
        if self.batch_size < 1:
            raise UserError(f"batch size must be at least 1, got {self.batch_size}")
        if self.temperature <= 0:
            raise UserError(f"temperature must be positive, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise UserError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.precision not in ("fp32", "bf16"):
            raise ValueError(f"precision must be resolved to fp32 or bf16, got {self.precision!r}")

    def key(self) -> str:
        """Stable hash of what changes the output; batch size is an execution detail, and greedy
        decoding ignores temperature, top_p and seed. fp32 is left out, so keys made before
        `precision` existed stay valid."""
        fields = asdict(self)
        del fields["batch_size"]
        if self.precision == "fp32":
            del fields["precision"]
        if not self.do_sample:
            for name in ("temperature", "top_p", "seed"):
                del fields[name]
        return stable_hash(fields, 32, ensure_ascii=True)
