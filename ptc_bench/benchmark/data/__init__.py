"""PTC data: the release loader, data-dir resolution, the sample corpus, validation split, windows."""

from __future__ import annotations

from ptc_bench.benchmark.data.loader import SPLITS, load_split
from ptc_bench.benchmark.data.source import DataSource, resolve_data_dir
from ptc_bench.benchmark.data.splits import load_train_and_validation, validation_split
from ptc_bench.benchmark.data.windows import make_windows, spans_in_window, window_spans_to_article
from ptc_bench.core.labels import LabelRow, read_label_file

__all__ = [
    "SPLITS",
    "DataSource",
    "LabelRow",
    "load_split",
    "load_train_and_validation",
    "make_windows",
    "read_label_file",
    "resolve_data_dir",
    "spans_in_window",
    "validation_split",
    "window_spans_to_article",
]
