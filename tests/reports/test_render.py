"""Renderers: the CSV holds exactly the DataFrame's displayed cells; Markdown and console agree."""

from __future__ import annotations

import io
import re
from pathlib import Path
from types import ModuleType

import pandas as pd
from rich.console import Console

from ptc_bench.reports.render import csv_frame, to_console_table, to_html_table, to_markdown, write_csv
from ptc_bench.reports.results import load_results
from ptc_bench.reports.tables import run_table


def test_csv_equals_the_dataframe(run_dir: Path, tmp_path: Path) -> None:
    table = run_table(load_results(run_dir))
    path = write_csv(table, tmp_path / "scores.csv")
    read = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(read, csv_frame(table).astype(str), check_dtype=False)
    assert read.loc[read["metric"] == "flc_f1", "base CI"].item() == "[0.100, 0.300]"
    assert float(read.loc[read["metric"] == "flc_f1", "adapted"].item()) == table.loc["flc_f1", "adapted"]


def test_markdown_escapes_pipes_and_marks_best() -> None:
    df = pd.DataFrame({"name": ["a|b", "c"], "score": [0.25, 0.75]}, dtype=object)
    df.attrs["best"] = {"score": "max"}
    assert to_markdown(df) == ("| name | score |\n| --- | ---: |\n| a\\|b | 0.250 |\n| c | **0.750** |\n")


def test_html_table_escapes_and_marks_best() -> None:
    df = pd.DataFrame({"name": ["<b>x</b>"], "score": [0.5]}, dtype=object)
    df.attrs["best"] = {"score": "max"}
    text = to_html_table(df)
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "<b>" not in text
    assert "<strong>0.500</strong>" in text


def test_console_table_shows_the_same_cells(run_dir: Path) -> None:
    table = run_table(load_results(run_dir))
    buffer = io.StringIO()
    Console(file=buffer, width=250, color_system=None).print(to_console_table(table, title="scores"))
    output = buffer.getvalue()
    assert "[0.100, 0.300]" in output and "hallucination_rate" in output and "0.012" in output


def test_markdown_text_makes_model_and_run_ids_inert() -> None:
    from ptc_bench.reports.render import markdown_text

    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![t](http://t.example/p.png)"
    inert = markdown_text(hostile + " **b** `c` a|b\nx")
    assert "<" not in inert and ">" not in inert and not re.search(r"(?<!\\)\]\(", inert)
    assert "\\*\\*b\\*\\*" in inert and "\\`c\\`" in inert and "a\\|b x" in inert
    assert markdown_text("name-calling__tiny__instruction__0123") == "name-calling__tiny__instruction__0123"


def test_report_markdown_escapes_hostile_ids(fake: ModuleType, tmp_path: Path) -> None:
    from ptc_bench.core.records import RunResults
    from ptc_bench.reports.run_report import render_markdown

    document = fake.results_dict("[x](javascript:alert(1))", model="<script>alert(1)</script>")
    report = render_markdown(RunResults.from_json(document))
    assert "<script>" not in report and not re.search(r"(?<!\\)\]\(", report)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "# Run report: [x\\](javascript:alert(1))" in report


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    """Issue 22, case 11: text starting with = + - @ gets a leading quote; numbers stay numbers."""
    import pandas as pd

    from ptc_bench.reports.render import write_csv

    frame = pd.DataFrame(
        {"run": ["=HYPERLINK(1)", "+1+2", "@SUM(A1)", "-cmd", "plain"], "gain": [-0.05, 0.1, 0.2, 0.3, 0.4]},
        dtype=object,
    )
    text = write_csv(frame, tmp_path / "t.csv").read_text(encoding="utf-8")
    for cell in ("'=HYPERLINK(1)", "'+1+2", "'@SUM(A1)", "'-cmd", "plain", "-0.050"):
        assert cell in text
    assert "'-0.050" not in text
