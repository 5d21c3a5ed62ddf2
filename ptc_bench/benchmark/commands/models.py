"""`bench models`: the model catalogue with what is installed and converted on this machine."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `models` sub-command."""
    parser = subparsers.add_parser(
        "models",
        help="list the catalogue's models: installed, converted, size, licence",
        description="Named models for --model that install offline from a package (their GGUF is "
        "verified by sha256 and converted once into the cache), and the locally built `tiny`.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the catalogue as a table or JSON."""
    from ptc_bench.benchmark.models.catalogue import catalogue_rows

    rows = catalogue_rows()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from rich.table import Table

    from ptc_bench.benchmark.console import wide_console

    table = Table(title="model catalogue (--model NAME)")
    for column in ("name", "installed", "converted", "size", "parameters", "licence", "install"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["name"],
            _yes_no(row["installed"]),
            _yes_no(row["converted"]),
            _megabytes(row["size_bytes"]),
            f"{row['parameters'] / 1e6:.1f}M" if row["parameters"] else "–",
            row["licence"],
            row["install"] or "built on first use",
        )
    wide_console(160).print(table)
    return 0


def _yes_no(value: Any) -> str:
    return "–" if value is None else ("yes" if value else "no")


def _megabytes(size: int | None) -> str:
    return "–" if size is None else f"{size / 1e6:.0f} MB"
