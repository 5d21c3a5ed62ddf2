"""Reading PTC label files (TAB-separated SI and FLC/TC rows), validated row by row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.errors import DataError
from core.techniques import LABELS

LabelKind = Literal["si", "flc"]

_COLUMNS: dict[str, tuple[str, ...]] = {
    "si": ("article id", "start", "end"),
    "flc": ("article id", "technique", "start", "end"),
}
_KNOWN_LABELS = frozenset(LABELS)
_INTEGER = re.compile(r" *-?[0-9]+ *")


@dataclass(frozen=True)
class LabelRow:
    """One row of a label file, with where it came from so later checks can name file and line."""

    article_id: str
    technique: str | None
    start: int
    end: int
    path: Path
    line: int


def decode_utf8(data: bytes, path: Path) -> str:
    """Strict UTF-8 decoding (a BOM is kept as U+FEFF); DataError naming line and byte otherwise."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DataError(
            path, line, f"not valid UTF-8 at byte {error.start} (byte 0x{data[error.start]:02x})"
        ) from None


def read_utf8(path: Path) -> str:
    """A whole UTF-8 file; DataError naming the file when it cannot be read or decoded."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise DataError(path, None, f"cannot read: {error.strerror or error}") from None
    return decode_utf8(data, path)


def read_label_file(path: Path, kind: LabelKind) -> list[LabelRow]:
    """All rows of one SI (`id start end`) or FLC/TC (`id technique start end`) label file."""
    if kind not in _COLUMNS:
        raise ValueError(f"unknown label kind {kind!r}; expected 'si' or 'flc'")
    text = read_utf8(path)
    rows: list[LabelRow] = []
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.removesuffix("\r")
        if not line.strip():  # blank and whitespace-only lines alike
            continue
        rows.append(_parse_row(line, kind, path, number))
    return rows


def _parse_row(line: str, kind: LabelKind, path: Path, number: int) -> LabelRow:
    """One validated row; the offsets are checked here, their fit to the article by the loader."""
    columns = _COLUMNS[kind]
    fields = line.split("\t")
    if len(fields) != len(columns):
        raise DataError(
            path,
            number,
            f"expected {len(columns)} TAB-separated columns ({', '.join(columns)}), got {len(fields)}",
        )
    article_id = fields[0]
    if not article_id.isascii() or not article_id.isdigit():
        raise DataError(path, number, f"article id must be digits, got {article_id!r}")
    technique: str | None = None
    if kind == "flc":
        technique = fields[1]
        if technique not in _KNOWN_LABELS:
            raise DataError(path, number, f"unknown technique {technique!r}")
    start = _parse_offset(fields[-2], "start", path, number)
    end = _parse_offset(fields[-1], "end", path, number)
    if start >= end:
        raise DataError(path, number, f"start offset {start} is not before end offset {end}")
    return LabelRow(article_id, technique, start, end, path, number)


def _parse_offset(field: str, name: str, path: Path, number: int) -> int:
    """A non-negative integer character offset."""
    if _INTEGER.fullmatch(field) is None:
        raise DataError(path, number, f"{name} offset must be an integer, got {field!r}")
    value = int(field)
    if value < 0:
        raise DataError(path, number, f"{name} offset must not be negative, got {value}")
    return value
