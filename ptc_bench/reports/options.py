"""Command-line option parsing shared by the report commands."""

from __future__ import annotations

from collections.abc import Sequence

from ptc_bench.core.errors import UserError


def parse_formats(text: str, allowed: Sequence[str]) -> list[str]:
    """`md,html` -> ['md', 'html']; UserError naming the allowed formats for anything else."""
    formats = [part.strip().lower().lstrip(".") for part in text.split(",") if part.strip()]
    unknown = [f for f in formats if f not in allowed]
    if unknown or not formats:
        raise UserError(f"unknown format {', '.join(unknown) or repr(text)}; choose from {','.join(allowed)}")
    return formats
