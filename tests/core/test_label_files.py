"""read_label_file: the SI and FLC/TC row formats and every malformed-row error, with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptc_bench.core.errors import DataError
from ptc_bench.core.labels import LabelRow, read_label_file


def _write(tmp_path: Path, content: str | bytes, name: str = "x.labels") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_reads_flc_rows_with_their_line_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path, "7\tDoubt\t0\t5\n\n7\tSlogans\t3\t9\n")
    assert read_label_file(path, "flc") == [
        LabelRow("7", "Doubt", 0, 5, path, 1),
        LabelRow("7", "Slogans", 3, 9, path, 3),
    ]


def test_reads_si_rows_and_an_empty_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "12\t4\t10")
    assert read_label_file(path, "si") == [LabelRow("12", None, 4, 10, path, 1)]
    assert read_label_file(_write(tmp_path, "", "empty.labels"), "si") == []


@pytest.mark.parametrize(
    ("row", "kind", "message"),
    [
        ("7\tDoubt\t0\n", "flc", "expected 4 TAB-separated columns"),
        ("7 Doubt 0 5\n", "flc", "expected 4 TAB-separated columns"),
        ("7\tDoubt\t0\t5\n", "si", "expected 3 TAB-separated columns"),
        ("7\tDoubt\tzero\t5\n", "flc", "start offset must be an integer, got 'zero'"),
        ("7\tDoubt\t0\t5.5\n", "flc", "end offset must be an integer"),
        ("7\tDoubt\t-1\t5\n", "flc", "start offset must not be negative"),
        ("7\tDoubt\t5\t5\n", "flc", "start offset 5 is not before end offset 5"),
        ("7\tDoubt\t9\t5\n", "flc", "start offset 9 is not before end offset 5"),
        ("7\tdoubt\t0\t5\n", "flc", "unknown technique 'doubt'"),
        ("x7\tDoubt\t0\t5\n", "flc", "article id must be digits"),
    ],
)
def test_malformed_row_names_file_and_line(tmp_path: Path, row: str, kind: str, message: str) -> None:
    path = _write(tmp_path, "7\tDoubt\t0\t5\n" + row if kind == "flc" else "7\t0\t5\n" + row)
    with pytest.raises(DataError, match=message) as caught:
        read_label_file(path, kind)  # type: ignore[arg-type]
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{path}:2: ")


def test_invalid_utf8_names_line_and_byte(tmp_path: Path) -> None:
    path = _write(tmp_path, b"7\tDoubt\t0\t5\n7\tDoubt\xff\t0\t5\n")
    with pytest.raises(DataError, match=r"x\.labels:2: not valid UTF-8 at byte 19"):
        read_label_file(path, "flc")


def test_whitespace_only_lines_are_skipped_like_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "7\tDoubt\t0\t5\n   \n\t\n \r\n7\tSlogans\t3\t9\n")
    assert [row.line for row in read_label_file(path, "flc")] == [1, 5]


def test_unreadable_file_is_one_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "a.labels"
    folder.mkdir()
    with pytest.raises(DataError, match=r"a\.labels: cannot read: Is a directory"):
        read_label_file(folder, "flc")
    path = _write(tmp_path, "7\tDoubt\t0\t5\n")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(DataError, match=r"x\.labels: cannot read: Permission denied"):
        read_label_file(path, "flc")


def test_an_offset_of_thousands_of_digits_is_one_error_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "7\tDoubt\t0\t5\n7\tDoubt\t0\t" + "9" * 5000 + "\n")
    with pytest.raises(DataError, match=r"x.labels:2: end offset has 5000 digits"):
        read_label_file(path, "flc")


def test_label_folder_reads_the_official_names_only(tmp_path: Path) -> None:
    from ptc_bench.core.labels import label_folder_kind, read_label_folder

    _write(tmp_path, "7\tDoubt\t0\t5\n", "article7.task-flc-tc.labels")
    _write(tmp_path, "7\tDoubt\t1\t2\n", "article7.task-flc-tc.orig.labels")
    _write(tmp_path, "8\t1\t2\n", "article8.task-si.labels")
    assert label_folder_kind(tmp_path) == "flc"
    rows = read_label_folder(tmp_path, "flc")
    assert list(rows) == ["7"] and [(r.start, r.end) for r in rows["7"]] == [(0, 5)]
    assert list(read_label_folder(tmp_path, "si")) == ["8"]
    _write(tmp_path, "9\tDoubt\t0\t5\n", "article7.task-flc-tc.labels")
    with pytest.raises(DataError, match="row is for article 9 but the file is for article 7"):
        read_label_folder(tmp_path, "flc")
