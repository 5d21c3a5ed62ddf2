"""The `bench` command line: one sub-command per module in `benchmark.commands`.

Each command module exposes `register(subparsers)`, which adds its parser and sets `handler`
(a function `args -> int`). Command modules import nothing heavy at module level, so building the
parser costs milliseconds; the handlers import torch and friends when they run.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from typing import NoReturn

from ptc_bench.benchmark import commands
from ptc_bench.core.errors import UserError
from ptc_bench.version import __version__


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print `<prog>: error: <message>` and exit 2 (sub-parsers inherit this class)."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every command module's sub-parser registered."""
    parser = OneLineParser(
        prog="bench",
        description="Benchmark LLMs, with and without QLoRA adapters, on propaganda-technique "
        "span detection (PTC, SemEval-2020 Task 11).",
    )
    parser.add_argument("--version", action="version", version=f"ptc-bench {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"ptc_bench.benchmark.commands.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `bench` console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a one-line usage error
        return stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return int(handler(args) or 0)
    except UserError as error:
        print(f"bench {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; cached work is kept and a re-run resumes from it", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
