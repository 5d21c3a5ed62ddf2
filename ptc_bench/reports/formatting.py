"""One cell format for every renderer: 3 decimals, CIs as `[lo, hi]`, best-per-column marks.

Table builders return DataFrames holding raw values (floats, ints, bools, strings, `(lo, hi)`
tuples for intervals, None/NaN for missing); the renderers all go through `display_frame`, so
Markdown, HTML, CSV and the console show the same text. A builder lists the columns whose best
value is marked in `df.attrs["best"]` as `{column: "max" | "min"}`.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

DECIMALS = 3
MISSING = "–"


def is_missing(value: object) -> bool:
    """None or a float NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_cell(value: object, missing: str = MISSING) -> str:
    """The text of one table cell in the shared number format."""
    if is_missing(value):
        return missing
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.{DECIMALS}f}"
    if isinstance(value, (tuple, list)) and len(value) == 2:
        low, high = (format_cell(v, missing) for v in value)
        return f"[{low}, {high}]"
    return str(value)


def _with_index(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with its named index turned into the first column (an unnamed index is dropped)."""
    if df.index.name is None and all(name is None for name in df.index.names):
        return df.reset_index(drop=True)
    return df.reset_index()


def display_frame(df: pd.DataFrame, missing: str = MISSING) -> pd.DataFrame:
    """Every cell (index included as the first column) formatted as text."""
    flat = _with_index(df)
    formatted = {str(column): [format_cell(v, missing) for v in flat[column].tolist()] for column in flat}
    return pd.DataFrame(formatted, columns=[str(c) for c in flat.columns], dtype=object)


def _numeric(value: Any) -> float | None:
    if is_missing(value) or isinstance(value, (bool, np.bool_, str, tuple, list)):
        return None
    if isinstance(value, numbers.Real):
        return round(float(value), DECIMALS)  # compare what is shown: 0.4 - 0.1 ties 0.5 - 0.2
    return None


def best_cells(df: pd.DataFrame) -> set[tuple[int, str]]:
    """(row, column) of the best value of each column named in df.attrs["best"]; ties all marked."""
    marked: set[tuple[int, str]] = set()
    for column, direction in dict(df.attrs.get("best", {})).items():
        if column not in df.columns:
            continue
        values = [_numeric(v) for v in df[column].tolist()]
        present = [v for v in values if v is not None]
        if not present:
            continue
        best = max(present) if direction == "max" else min(present)
        marked.update((row, str(column)) for row, v in enumerate(values) if v is not None and v == best)
    return marked


def numeric_alignment(df: pd.DataFrame) -> list[bool]:
    """For each displayed column (index first): whether it holds numbers (right-aligned)."""
    flat = _with_index(df)
    aligned = []
    for column in flat:
        values = [v for v in flat[column].tolist() if not is_missing(v)]
        aligned.append(
            bool(values)
            and all(
                (isinstance(v, numbers.Real) and not isinstance(v, bool))
                or (isinstance(v, tuple) and len(v) == 2)
                for v in values
            )
        )
    return aligned
