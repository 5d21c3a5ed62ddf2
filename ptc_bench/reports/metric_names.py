"""Metric names typed by users (`flc-f1` == `flc_f1`), resolved against the registry (`metrics.registry`)."""

from __future__ import annotations

from collections.abc import Iterable

from ptc_bench.core.errors import UserError
from ptc_bench.metrics.registry import METRIC_NAMES


def canonical_metric(name: str) -> str:
    """The results.json spelling of a metric name typed with `-` or `_`, in any case."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def resolve_metric(name: str, available: Iterable[str] = ()) -> str:
    """The canonical metric for a user-typed name; UserError listing the known names otherwise."""
    canonical = canonical_metric(name)
    known = list(METRIC_NAMES) + sorted(set(available) - set(METRIC_NAMES))
    if canonical not in known:
        shown = ", ".join(m.replace("_", "-") for m in known)
        raise UserError(f"unknown metric {name!r}; expected one of {shown}")
    return canonical
