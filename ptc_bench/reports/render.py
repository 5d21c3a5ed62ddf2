"""Render a table DataFrame as Markdown, HTML, CSV or a rich console table, all from `display_frame`.

Best values (df.attrs["best"]) are bold in Markdown (`**x**`), `<strong>` in HTML and bold on the
console; the CSV keeps plain values so it stays machine-readable. Missing values show as `–`,
and as an empty field in the CSV.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from rich.markup import escape
from rich.table import Table

from ptc_bench.core.safe_write import atomic_open, output_folder
from ptc_bench.reports.formatting import best_cells, display_frame, numeric_alignment

MARKDOWN_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "*": "\\*", "`": "\\`", "|": "\\|"}


def markdown_text(text: str) -> str:
    """Text from a file or a model, inert in Markdown: no HTML, no links or images, no emphasis, one line."""
    escaped = text.replace("\\", "\\\\").replace("\r", " ").replace("\n", " ")
    escaped = "".join(MARKDOWN_ESCAPES.get(char, char) for char in escaped)
    return escaped.replace("](", "\\](")


def to_markdown(df: pd.DataFrame) -> str:
    """A GitHub pipe table; numbers right-aligned."""
    shown = display_frame(df)
    marked = best_cells(df)
    header = [markdown_text(str(c)) for c in shown.columns]
    rules = ["---:" if numeric else "---" for numeric in numeric_alignment(df)]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rules) + " |"]
    for row, values in enumerate(shown.itertuples(index=False)):
        cells = []
        for column, value in zip(shown.columns, values, strict=True):
            text = markdown_text(str(value))
            cells.append(f"**{text}**" if (row, column) in marked else text)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def to_html_table(df: pd.DataFrame, caption: str | None = None) -> str:
    """An HTML <table>; every cell escaped."""
    shown = display_frame(df)
    marked = best_cells(df)
    numeric = numeric_alignment(df)
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(
            f'<th class="{"num" if n else "txt"}">{html.escape(str(c))}</th>'
            for c, n in zip(shown.columns, numeric, strict=True)
        )
        + "</tr></thead><tbody>"
    )
    for row, values in enumerate(shown.itertuples(index=False)):
        cells = []
        for column, value, n in zip(shown.columns, values, numeric, strict=True):
            text = html.escape(str(value))
            if (row, column) in marked:
                text = f"<strong>{text}</strong>"
            cells.append(f'<td class="{"num" if n else "txt"}">{text}</td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Exactly what the CSV file holds: the displayed cells, missing values empty, formulas defused."""
    return display_frame(df, missing="").map(neutralise_formula)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@` ...) gets a leading `'`.

    Numbers ("-0.050") stay numbers; only text that is not one is prefixed.
    """
    if not isinstance(cell, str) or not cell.startswith(_FORMULA_STARTS):
        return cell
    try:
        float(cell)
    except ValueError:
        return "'" + cell
    return cell


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write the table as CSV (UTF-8, header row, index as the first column)."""
    output_folder(path.parent)
    with atomic_open(path) as handle:
        csv_frame(df).to_csv(handle, index=False, lineterminator="\n")
    return path


def to_console_table(df: pd.DataFrame, title: str | None = None) -> Table:
    """A rich Table of the same cells, best values bold."""
    shown = display_frame(df)
    marked = best_cells(df)
    table = Table(title=title, show_lines=False)
    for column, n in zip(shown.columns, numeric_alignment(df), strict=True):
        table.add_column(str(column), justify="right" if n else "left")
    for row, values in enumerate(shown.itertuples(index=False)):
        table.add_row(
            *(
                f"[bold]{escape(str(v))}[/bold]" if (row, c) in marked else escape(str(v))
                for c, v in zip(shown.columns, values, strict=True)
            )
        )
    return table
