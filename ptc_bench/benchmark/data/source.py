"""Which corpus to use: `--data-dir`, else `PTC_DATA_DIR`, else the embedded sample corpus."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ptc_bench.core.errors import UserError

DATA_DIR_ENV = "PTC_DATA_DIR"
SAMPLE_NOTICE = (
    "note: using the small embedded sample corpus (not PTC); "
    "pass --data-dir or set PTC_DATA_DIR to use the PTC release"
)


@dataclass(frozen=True)
class DataSource:
    """A resolved corpus folder; `notice` is a one-line message to show when it is the sample."""

    path: Path
    is_sample: bool
    notice: str | None = None


def resolve_data_dir(option: str | os.PathLike[str] | None) -> DataSource:
    """The corpus folder to use, checked to look like a PTC release (has `train-articles/`)."""
    if option is not None and str(option) != "":
        return DataSource(_checked_release_dir(Path(option), "--data-dir"), is_sample=False)
    configured = os.environ.get(DATA_DIR_ENV, "")
    if configured:
        return DataSource(_checked_release_dir(Path(configured), DATA_DIR_ENV), is_sample=False)
    from ptc_bench.benchmark.data.sample import materialise_sample

    return DataSource(materialise_sample(), is_sample=True, notice=SAMPLE_NOTICE)


def _checked_release_dir(path: Path, origin: str) -> Path:
    """The folder, resolved; UserError naming where it came from when it is not a PTC release."""
    path = path.expanduser()
    if not path.exists():
        raise UserError(f"data folder {path} (from {origin}) does not exist")
    if not path.is_dir():
        raise UserError(f"data folder {path} (from {origin}) is not a folder")
    if not (path / "train-articles").is_dir():
        raise UserError(
            f"data folder {path} (from {origin}) is not a PTC release: it has no train-articles/ folder"
        )
    return path.resolve()
