"""Report tables: values, shapes and the shared cell format."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ptc_bench.reports.formatting import best_cells, display_frame, format_cell
from ptc_bench.reports.results import load_results
from ptc_bench.reports.tables import counts_table, errors_table, per_technique_table, run_table


def test_run_table_rows_metrics_columns_systems_difference(run_dir: Path) -> None:
    table = run_table(load_results(run_dir))
    assert table.index.name == "metric"
    assert list(table.index) == [
        "si_f1",
        "flc_precision",
        "flc_recall",
        "flc_f1",
        "json_validity",
        "hallucination_rate",
    ]
    assert list(table.columns) == [
        "base",
        "base CI",
        "adapted",
        "adapted CI",
        "difference",
        "difference CI",
        "p-value",
        "oracle",
    ]
    row = table.loc["flc_f1"]
    assert row["base"] == pytest.approx(0.2) and row["adapted"] == pytest.approx(0.5)
    assert row["difference"] == pytest.approx(0.3) and row["p-value"] == pytest.approx(0.012)
    assert row["difference CI"] == pytest.approx((0.25, 0.35))
    assert row["oracle"] == pytest.approx(0.95)
    assert table.loc["json_validity", "difference"] is None  # no paired test for it


def test_run_table_of_a_single_system_has_no_difference(runs_dir: Path) -> None:
    table = run_table(load_results(runs_dir / "cross-eval" / "name-calling--on--slogans"))
    assert list(table.columns) == ["adapted", "adapted CI"]


def test_errors_table_counts_and_shares(run_dir: Path) -> None:
    table = errors_table(load_results(run_dir))
    assert list(table.index) == ["parsed", "no_json", "all samples"]
    assert table["base"].tolist() == [3, 1, 4]
    assert table["adapted"].tolist() == [4, 0, 4]
    assert table["base share"].tolist() == pytest.approx([0.75, 0.25, 1.0])


def test_counts_table(run_dir: Path) -> None:
    table = counts_table(load_results(run_dir))
    assert table.loc["n_unaligned", "adapted"] == 1
    assert table.loc["n_samples", "base"] == 4


def test_per_technique_table_skips_techniques_without_spans(run_dir: Path) -> None:
    table = per_technique_table(load_results(run_dir))
    assert list(table.index) == ["Name_Calling,Labeling"]  # Doubt has no gold and no predictions
    assert table.loc["Name_Calling,Labeling", "n_gold"] == 3
    assert table.loc["Name_Calling,Labeling", "adapted F1"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.5, "0.500"),
        (1 / 3, "0.333"),
        (0.0005, "0.001"),
        ((0.1234, 0.98765), "[0.123, 0.988]"),
        (3, "3"),
        (True, "yes"),
        (None, "–"),
        (float("nan"), "–"),
        ("name-calling", "name-calling"),
    ],
)
def test_cell_format(value: object, text: str) -> None:
    assert format_cell(value) == text


def test_display_frame_puts_the_index_first() -> None:
    df = pd.DataFrame({"a": [0.5, None]}, index=pd.Index(["x", "y"], name="row"), dtype=object)
    shown = display_frame(df)
    assert shown.columns.tolist() == ["row", "a"]
    assert shown.values.tolist() == [["x", "0.500"], ["y", "–"]]
    assert display_frame(df, missing="").values.tolist()[1] == ["y", ""]


def test_best_cells_compare_displayed_values_and_mark_ties() -> None:
    df = pd.DataFrame({"gain": [0.4 - 0.1, 0.5 - 0.2, 0.1], "rate": [0.2, 0.1, None]}, dtype=object)
    df.attrs["best"] = {"gain": "max", "rate": "min"}
    assert best_cells(df) == {(0, "gain"), (1, "gain"), (1, "rate")}
