"""DataFrame builders, one per report table; every renderer (md, html, csv, console) takes these.

Cells hold raw values (see `reports.formatting`): the builders decide what is shown, the renderers
only how. The leaderboard and the adapter comparison live in their own modules and are re-exported.
"""

from __future__ import annotations

import pandas as pd

from ptc_bench.core.records import RunResults, SystemCounts
from ptc_bench.core.techniques import LABELS
from ptc_bench.metrics.parse import ERROR_CODES
from ptc_bench.metrics.registry import metric_order
from ptc_bench.reports.comparison import comparison_matrix, diagonal_gains
from ptc_bench.reports.leaderboard import leaderboard_pivot, leaderboard_table

__all__ = [
    "comparison_matrix",
    "counts_table",
    "diagonal_gains",
    "errors_table",
    "leaderboard_pivot",
    "leaderboard_table",
    "per_technique_table",
    "run_table",
    "system_order",
]

ERROR_ORDER = ERROR_CODES  # the parser's error codes, in its order


def system_order(results: RunResults) -> list[str]:
    """The run's systems: base first, then adapted, then any others alphabetically."""
    preferred = [name for name in ("base", "adapted") if name in results.systems]
    return preferred + sorted(set(results.systems) - set(preferred))


def run_table(results: RunResults) -> pd.DataFrame:
    """Rows: metrics; columns: each system's value and CI, the paired difference (adapted - base).

    The difference comes with its CI and p-value; the last column is the oracle ceiling, when computed.
    """
    systems = system_order(results)
    metrics = metric_order({m for s in systems for m in results.systems[s].metrics})
    has_comparison = any(results.comparison(m) is not None for m in metrics)
    rows = []
    for metric in metrics:
        row: dict[str, object] = {}
        for system in systems:
            score = results.systems[system].metrics.get(metric)
            row[system] = None if score is None else score.value
            row[f"{system} CI"] = None if score is None else score.ci
        if has_comparison:
            comparison = results.comparison(metric)
            row["difference"] = None if comparison is None else comparison.difference
            row["difference CI"] = None if comparison is None else comparison.ci
            row["p-value"] = None if comparison is None else comparison.p_value
        if results.oracle is not None:
            row["oracle"] = results.oracle.get(metric)
        rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(metrics, name="metric"), dtype=object)
    return table


def errors_table(results: RunResults) -> pd.DataFrame:
    """Rows: parsed, each parse error code, all samples; columns: count and share per system."""
    systems = system_order(results)
    codes = {code for s in systems for code in results.systems[s].errors}
    ordered = [c for c in ERROR_ORDER if c in codes] + sorted(codes - set(ERROR_ORDER))
    outcomes = ["parsed", *ordered, "all samples"]
    data: dict[str, list[object]] = {}
    for system in systems:
        errors = results.systems[system].errors
        total = results.systems[system].counts.n_samples
        counts = [max(total - sum(errors.values()), 0), *(errors.get(c, 0) for c in ordered), total]
        data[system] = list(counts)
        data[f"{system} share"] = [count / total if total else None for count in counts]
    return pd.DataFrame(data, index=pd.Index(outcomes, name="outcome"), dtype=object)


def counts_table(results: RunResults) -> pd.DataFrame:
    """Rows: sample/span/phrase counts; columns: systems; what every score rests on."""
    systems = system_order(results)
    fields = list(SystemCounts.__dataclass_fields__)
    data = {s: [getattr(results.systems[s].counts, f) for f in fields] for s in systems}
    return pd.DataFrame(data, index=pd.Index(fields, name="count"), dtype=object)


def per_technique_table(results: RunResults) -> pd.DataFrame:
    """Rows: techniques with gold or predicted spans; columns: gold count, P/R/F1/n_pred per system."""
    systems = system_order(results)
    present = {label for s in systems for label in results.systems[s].per_technique}
    labels = [label for label in LABELS if label in present] + sorted(present - set(LABELS))
    rows, kept = [], []
    for label in labels:
        scores = [results.systems[s].per_technique.get(label) for s in systems]
        if not any(score is not None and (score.n_gold or score.n_pred) for score in scores):
            continue
        row: dict[str, object] = {"n_gold": max(score.n_gold for score in scores if score is not None)}
        for system, score in zip(systems, scores, strict=True):
            row[f"{system} P"] = None if score is None else score.flc_precision
            row[f"{system} R"] = None if score is None else score.flc_recall
            row[f"{system} F1"] = None if score is None else score.flc_f1
            row[f"{system} n_pred"] = None if score is None else score.n_pred
        rows.append(row)
        kept.append(label)
    columns = ["n_gold"] + [f"{s} {c}" for s in systems for c in ("P", "R", "F1", "n_pred")]
    return pd.DataFrame(rows, index=pd.Index(kept, name="technique"), columns=columns, dtype=object)
