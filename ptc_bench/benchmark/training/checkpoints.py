"""Which training checkpoint to resume from: the newest complete one.

A `kill -9` while the trainer writes `checkpoint-N/` leaves a folder with some files missing or
cut short (no `trainer_state.json`, a 0-byte `rng_state.pth`). Resuming from it fails, so every
checkpoint is checked: `trainer_state.json` readable, the weights present and as long as their
headers say, every torch pickle a complete zip archive. Incomplete ones are reported and removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

STATE_FILE = "trainer_state.json"
WEIGHT_FILES = ("adapter_model.safetensors", "adapter_model.bin", "model.safetensors", "pytorch_model.bin")
TORCH_SUFFIXES = (".pt", ".pth", ".bin")
_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def last_complete_checkpoint(checkpoints: Path, report: Callable[[str], None] = print) -> str | None:
    """The newest complete `checkpoint-N` under `checkpoints` (None when there is none).

    Newer incomplete ones are reported; the main process removes them, so a later save of the
    same step starts from an empty folder.
    """
    if not checkpoints.is_dir():
        return None
    numbered = []
    for folder in checkpoints.iterdir():
        match = _CHECKPOINT.match(folder.name)
        if match and folder.is_dir():
            numbered.append((int(match.group(1)), folder))
    for _, folder in sorted(numbered, reverse=True):
        problem = checkpoint_problem(folder)
        if problem is None:
            return str(folder)
        report(f"skipping incomplete checkpoint {folder} ({problem}); it is removed")
        if int(os.environ.get("RANK", "0")) == 0:
            shutil.rmtree(folder, ignore_errors=True)
    return None


def checkpoint_problem(folder: Path) -> str | None:
    """Why `folder` cannot be resumed from, or None when it is complete."""
    state = folder / STATE_FILE
    if not state.is_file():
        return f"no {STATE_FILE}"
    try:
        json.loads(state.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return f"{STATE_FILE} is unreadable or cut short"
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        return "no weights file"
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        problem = None
        if path.suffix == ".safetensors":
            problem = _safetensors_problem(path)
        elif path.suffix in TORCH_SUFFIXES:
            problem = None if zipfile.is_zipfile(path) else "not a complete torch archive"
        if problem is not None:
            return f"{path.name}: {problem}"
    return None


def _safetensors_problem(path: Path) -> str | None:
    """Whether a safetensors file is as long as its header says (None when it is)."""
    try:
        with path.open("rb") as handle:
            raw_length = handle.read(8)
            if len(raw_length) < 8:
                return "cut short"
            (header_length,) = struct.unpack("<Q", raw_length)
            if 8 + header_length > path.stat().st_size:
                return "cut short"
            header = json.loads(handle.read(header_length))
        ends = [int(entry["data_offsets"][1]) for key, entry in header.items() if key != "__metadata__"]
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return "unreadable header"
    expected = 8 + header_length + max(ends, default=0)
    return None if path.stat().st_size >= expected else "cut short"
