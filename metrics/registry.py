"""Every metric of results.json registered once: its name, family, direction and whether it is a headline.

`metrics.summary` computes the span families, the run scorer adds the output and TC metrics, the
console shows `RUN_SUMMARY`, and reports order, rank and colour by this table. A new metric is one
`Metric(...)` line here plus the code that computes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from metrics.stats import COMPONENTS

SpanFamily = Literal["si", "flc", "exact", "token"]
SPAN_FAMILIES: tuple[SpanFamily, ...] = ("si", "flc", "exact", "token")
Family = Literal["si", "flc", "exact", "token", "output", "tc"]


@dataclass(frozen=True)
class Metric:
    """One metric: `family` groups it (span families, `output` for validity rates, `tc`)."""

    name: str
    family: Family
    higher_is_better: bool = True
    headline: bool = False


# The P/R/F1 of each span family, as `metrics.summary` computes them (and pairs them in tests).
SPAN_METRIC_NAMES: tuple[str, ...] = tuple(
    f"{family}_{component}" for family in SPAN_FAMILIES for component in COMPONENTS
)
REGISTRY: tuple[Metric, ...] = (
    *(
        Metric(f"{family}_{component}", family, headline=component == "f1")
        for family in SPAN_FAMILIES
        for component in COMPONENTS
    ),
    Metric("json_validity", "output", headline=True),
    Metric("hallucination_rate", "output", higher_is_better=False, headline=True),
    Metric("flc_macro_f1", "flc"),
    Metric("tc_accuracy", "tc"),
)
_BY_NAME = {metric.name: metric for metric in REGISTRY}
if len(_BY_NAME) != len(REGISTRY):
    raise ValueError("a metric name is registered twice")

METRIC_NAMES: tuple[str, ...] = tuple(metric.name for metric in REGISTRY)
HEADLINE_METRICS: tuple[str, ...] = tuple(metric.name for metric in REGISTRY if metric.headline)
# The rows of the table `bench run` prints, in this order.
RUN_SUMMARY: tuple[str, ...] = (
    "si_precision",
    "si_recall",
    "si_f1",
    "exact_precision",
    "exact_recall",
    "exact_f1",
    "flc_f1",
    "json_validity",
    "hallucination_rate",
)
if not set(RUN_SUMMARY) <= set(METRIC_NAMES):
    raise ValueError("RUN_SUMMARY names an unregistered metric")


def higher_is_better(name: str) -> bool:
    """Whether a larger value is better (unregistered names: yes)."""
    metric = _BY_NAME.get(name)
    return metric.higher_is_better if metric is not None else True


def metric_order(names: Iterable[str]) -> list[str]:
    """Metric names in registry order, unregistered extra names last (alphabetically)."""
    names = set(names)
    return [m for m in METRIC_NAMES if m in names] + sorted(names - set(METRIC_NAMES))
