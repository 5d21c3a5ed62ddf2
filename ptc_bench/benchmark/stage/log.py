"""Library output of a run (warnings, log records, progress bars) goes to `<run folder>/run.log`.

The console keeps the toolkit's own status lines, its progress displays and the result table;
`--verbose` also shows the library output on stderr. Our own warnings (the `ptc_bench` package)
always reach the console.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ptc_bench.core.safe_write import open_no_follow, refuse_link

LOG_NAME = "run.log"
OWN_PACKAGE = "ptc_bench"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _NoFollowFileHandler(logging.FileHandler):
    """A FileHandler appending to run.log, never through a link planted in its place."""

    def __init__(self, path: Path) -> None:
        refuse_link(path)  # one line before any work
        super().__init__(path, encoding="utf-8")

    def _open(self) -> io.TextIOWrapper:
        descriptor = open_no_follow(Path(self.baseFilename), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        handle = os.fdopen(descriptor, "a", encoding="utf-8")
        assert isinstance(handle, io.TextIOWrapper)
        return handle


class _ConsoleFilter(logging.Filter):
    """Everything when verbose; otherwise only our own packages' warnings and errors."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if self.verbose:
            return True
        return record.levelno >= logging.WARNING and record.name.split(".")[0] == OWN_PACKAGE


@contextmanager
def library_output_to_log(run_dir: Path, *, verbose: bool = False) -> Iterator[Path]:
    """Route Python warnings, logging and transformers' progress bars to `run_dir/run.log`."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / LOG_NAME
    to_file = _NoFollowFileHandler(path)
    to_file.setFormatter(logging.Formatter(FORMAT))
    to_console = logging.StreamHandler(sys.stderr)
    to_console.addFilter(_ConsoleFilter(verbose))
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(to_file)
    root.addHandler(to_console)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    restore_transformers = _route_transformers(verbose)
    try:
        yield path
    finally:
        restore_transformers()
        logging.captureWarnings(False)
        root.removeHandler(to_console)
        root.removeHandler(to_file)
        root.setLevel(saved_level)
        to_file.close()


def _route_transformers(verbose: bool) -> Callable[[], None]:
    """transformers logs through the root logger (so to run.log); its bars only when verbose."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        return lambda: None
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_default_handler()
    hf_logging.enable_propagation()
    if not verbose:
        hf_logging.disable_progress_bar()

    def restore() -> None:
        hf_logging.disable_propagation()
        hf_logging.enable_default_handler()
        if bars_were_on:
            hf_logging.enable_progress_bar()

    return restore
