"""Metric names of results.json: canonical order, aliases (`flc-f1` == `flc_f1`) and direction."""

from __future__ import annotations

from collections.abc import Iterable

from core.errors import UserError

METRICS: tuple[str, ...] = (
    "si_precision",
    "si_recall",
    "si_f1",
    "flc_precision",
    "flc_recall",
    "flc_f1",
    "exact_precision",
    "exact_recall",
    "exact_f1",
    "token_precision",
    "token_recall",
    "token_f1",
    "json_validity",
    "hallucination_rate",
)
LOWER_IS_BETTER: frozenset[str] = frozenset({"hallucination_rate"})
HEADLINE_METRICS: tuple[str, ...] = (
    "si_f1",
    "flc_f1",
    "exact_f1",
    "token_f1",
    "json_validity",
    "hallucination_rate",
)


def canonical_metric(name: str) -> str:
    """The results.json spelling of a metric name typed with `-` or `_`, in any case."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def resolve_metric(name: str, available: Iterable[str] = ()) -> str:
    """The canonical metric for a user-typed name; UserError listing the known names otherwise."""
    canonical = canonical_metric(name)
    known = list(METRICS) + sorted(set(available) - set(METRICS))
    if canonical not in known:
        shown = ", ".join(m.replace("_", "-") for m in known)
        raise UserError(f"unknown metric {name!r}; expected one of {shown}")
    return canonical


def metric_order(names: Iterable[str]) -> list[str]:
    """Metric names in the canonical order, unknown extra names last (alphabetically)."""
    names = set(names)
    return [m for m in METRICS if m in names] + sorted(names - set(METRICS))


def higher_is_better(metric: str) -> bool:
    """Whether a larger value of `metric` is better (False for rates of errors)."""
    return metric not in LOWER_IS_BETTER
