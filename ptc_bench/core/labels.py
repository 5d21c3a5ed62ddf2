"""Reading PTC label files (TAB-separated SI and FLC/TC rows), validated row by row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ptc_bench.core.errors import DataError
from ptc_bench.core.techniques import LABELS

LabelKind = Literal["si", "flc"]

_COLUMNS: dict[str, tuple[str, ...]] = {
    "si": ("article id", "start", "end"),
    "flc": ("article id", "technique", "start", "end"),
}
_KNOWN_LABELS = frozenset(LABELS)
_INTEGER = re.compile(r" *-?[0-9]+ *")
_MAX_OFFSET_DIGITS = 18  # far beyond any article; keeps int() clear of its 4,300-digit limit
TASK_NAMES: dict[str, str] = {"si": "task-si", "flc": "task-flc-tc"}
_LABEL_FILE = {
    kind: re.compile(rf"article([0-9]+)\.{re.escape(name)}\.labels") for kind, name in TASK_NAMES.items()
}


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


def read_article_text(path: Path) -> str:
    """An article's text (strict UTF-8); a symbolic link is refused, so a corpus reads only its own files."""
    if Path(path).is_symlink():
        raise DataError(path, None, "is a symbolic link; an article must be a regular file in the corpus")
    return read_utf8(path)


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


def label_file_name(article_id: str, kind: LabelKind) -> str:
    """The official name of one article's label file, e.g. `article7.task-flc-tc.labels`."""
    return f"article{article_id}.{TASK_NAMES[kind]}.labels"


def label_folder_kind(folder: Path) -> LabelKind | None:
    """The kind of a per-article label folder from its file names: FLC when it has any, else SI."""
    names = [path.name for path in Path(folder).iterdir()]
    for kind in ("flc", "si"):
        if any(_LABEL_FILE[kind].fullmatch(name) for name in names):
            return "flc" if kind == "flc" else "si"
    return None


def read_label_folder(folder: Path, kind: LabelKind) -> dict[str, list[LabelRow]]:
    """Rows of every `article<ID>.<task>.labels` file of a folder (the official names only), by id.

    Other files (`*.orig.labels`, the other task's files, notes) are not gold and are ignored;
    every row must name the article of its file.
    """
    rows_by_article: dict[str, list[LabelRow]] = {}
    for path in sorted(Path(folder).iterdir()):
        match = _LABEL_FILE[kind].fullmatch(path.name)
        if match is None or not path.is_file():
            continue
        file_id = match.group(1)
        rows = read_label_file(path, kind)
        for row in rows:
            if row.article_id != file_id:
                raise DataError(
                    path,
                    row.line,
                    f"row is for article {row.article_id} but the file is for article {file_id}",
                )
        rows_by_article[file_id] = rows
    return rows_by_article


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
    digits = field.strip().lstrip("-").lstrip("0")
    if len(digits) > _MAX_OFFSET_DIGITS:
        raise DataError(path, number, f"{name} offset has {len(digits)} digits; no article is that long")
    value = int(field)
    if value < 0:
        raise DataError(path, number, f"{name} offset must not be negative, got {value}")
    return value
