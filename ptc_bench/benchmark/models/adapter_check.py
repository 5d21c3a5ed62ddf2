"""Verify a saved LoRA adapter before it is reused or evaluated: its config parses, its weights are whole.

A training killed while saving, a full disk or a bad copy leaves an adapter folder that peft
would read with a traceback (or not at all). The check is cheap: the config is parsed, and a
safetensors file's header is read and its declared tensor data must end exactly at the file's end.
"""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

from ptc_bench.core.errors import UserError

CONFIG_FILE = "adapter_config.json"
WEIGHT_FILES = ("adapter_model.safetensors", "adapter_model.bin")
_MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit on the JSON header


class AdapterError(UserError):
    """An adapter folder that cannot be used; the message names the folder and what is wrong."""


def verify_adapter(folder: Path) -> None:
    """AdapterError naming the first problem: no folder, config missing or unparsable, weights damaged."""
    folder = Path(folder)
    if not folder.is_dir():
        raise AdapterError(f"{folder}: not an adapter folder (no such folder)")
    config = folder / CONFIG_FILE
    if not config.is_file():
        raise AdapterError(f"{folder}: not an adapter folder (no {CONFIG_FILE})")
    try:
        parsed = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise AdapterError(f"{config}: cannot read the adapter config: {error}") from None
    if not isinstance(parsed, dict) or "peft_type" not in parsed:
        raise AdapterError(f"{config}: not a peft adapter config (no peft_type)")
    weights = [folder / name for name in WEIGHT_FILES if (folder / name).is_file()]
    if not weights:
        raise AdapterError(f"{folder}: the adapter has no weights ({' or '.join(WEIGHT_FILES)})")
    problem = (
        safetensors_problem(weights[0]) if weights[0].suffix == ".safetensors" else _bin_problem(weights[0])
    )
    if problem is not None:
        raise AdapterError(f"{weights[0]}: damaged adapter weights: {problem}")


def safetensors_problem(path: Path) -> str | None:
    """Why a safetensors file is not whole (None when its header parses and its data length matches)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                return f"{size} bytes, too short for a safetensors header"
            (header_size,) = struct.unpack("<Q", prefix)
            if header_size > _MAX_HEADER or 8 + header_size > size:
                return f"the header claims {header_size} bytes but the file has {size}"
            header = json.loads(handle.read(header_size).decode("utf-8"))
    except OSError as error:
        return f"cannot read: {error.strerror or error}"
    except (UnicodeDecodeError, ValueError) as error:
        return f"the header is not JSON ({error})"
    if not isinstance(header, dict):
        return "the header is not a JSON object"
    end = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        offsets = entry.get("data_offsets") if isinstance(entry, dict) else None
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
            return f"tensor {name!r} has no valid data_offsets"
        end = max(end, offsets[1])
    data_length = size - 8 - header_size
    if end != data_length:
        return f"the tensors need {end} bytes of data but the file holds {data_length}"
    return None


def _bin_problem(path: Path) -> str | None:
    """Why a torch `.bin` (a zip archive) is not whole (None when its zip directory reads and tests clean)."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (OSError, zipfile.BadZipFile) as error:
        return f"not a readable torch archive ({error})"
    return None if bad is None else f"member {bad} is corrupt"
