"""Find the JSON answer inside a raw generation: past a prompt echo, around prose and code fences.

The answer is the first complete JSON object or array (an array of bare numbers, like a citation
"[1]", does not count). A generation that opens with the JSON itself is read from the start; what
follows its answer is a continuation the model invented. Otherwise, when the generation contains
prompt headers (`### Output:`, `### Text:`, `### Example output:`, `### Input:`, ...: an echo of the
prompt), reading starts after the last header, so the `{}` of the instruction or a worked example's
answer is not taken for the answer; when nothing follows that header, a non-empty answer before the
first header is taken (an answer the model followed with an invented continuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ptc_bench.metrics.json_lenient import JsonObject, JsonRead, JsonValue, has_members, read_json

ExtractStatus = Literal["found", "truncated", "invalid", "none"]

_PROMPT_HEADER = re.compile(
    r"#{2,}[ \t]*(?:example[ \t]+)?(?:output|response|answer|text|input|instruction)[ \t]*:", re.IGNORECASE
)
_OPENING = re.compile(r"\s*(?:```[\w-]*[ \t]*\n?\s*)?")
_FENCES = re.compile(r"```[\w-]*")
_OPEN_CHARS = re.compile(r"[{\[]")


@dataclass(frozen=True)
class Extraction:
    """The answer value found (complete, or partial when truncated) or why none was found."""

    status: ExtractStatus
    value: JsonValue
    message: str
    notes: tuple[str, ...]


def extract_json(raw: str, *, lenient: bool) -> Extraction:
    """The first complete JSON answer in `raw`; truncated/invalid/none with a message otherwise."""
    opening = _OPENING.match(raw)
    headers = list(_PROMPT_HEADER.finditer(raw))
    if raw.startswith(("{", "["), opening.end() if opening else 0) or not headers:
        return _scan(raw, 0, lenient)
    last = headers[-1]
    found = _scan(raw, last.end(), lenient)
    if found.status != "none":
        note = f"skipped the text before the last {last.group()!r} header (prompt echo)"
        return Extraction(found.status, found.value, found.message, (note, *found.notes))
    before = _scan(raw[: headers[0].start()], 0, lenient)
    if before.status != "found" or not has_members(before.value):
        return found  # an empty `{}` there is more likely the instruction's own "Answer {}" than an answer
    note = f"ignored the text from the first {headers[0].group()!r} header on (invented continuation)"
    return Extraction(before.status, before.value, before.message, (note, *before.notes))


def _scan(text: str, start: int, lenient: bool, *, describe: bool = True) -> Extraction:
    """Try each `{`/`[` from `start` on; skip candidates that fail, stop at the first answer."""
    pos = start
    failure: JsonRead | None = None
    failure_progress = -1
    while (match := _OPEN_CHARS.search(text, pos)) is not None:
        begin = match.start()
        read = read_json(text, begin, lenient=lenient)
        if read.status == "complete" and not _answer_like(read.value):
            pos = begin + 1
            continue
        if read.status == "complete":
            around = _surroundings(text, start, begin, read.end, lenient) if describe else []
            notes = [*around, *read.notes]
            return Extraction("found", read.value, "", tuple(notes))
        if read.status == "truncated":
            notes = ["the text before the JSON was ignored"] if _has_prose(text[start:begin]) else []
            return Extraction("truncated", read.value, read.message, (*notes, *read.notes))
        if read.end - begin > failure_progress:
            failure, failure_progress = read, read.end - begin
        pos = read.end
    if failure is not None:
        return Extraction("invalid", None, failure.message, failure.notes)
    return Extraction("none", None, "no JSON object or array in the generation", ())


def _answer_like(value: JsonValue) -> bool:
    """Objects, and arrays unless they hold only numbers/booleans/nulls (citations like "[1]")."""
    if isinstance(value, JsonObject) or not isinstance(value, list) or not value:
        return True
    return not all(item is None or isinstance(item, (int, float, bool)) for item in value)


def _surroundings(text: str, start: int, begin: int, end: int, lenient: bool) -> list[str]:
    """Notes about prose around the answer and about further JSON blocks after it."""
    notes: list[str] = []
    if _has_prose(text[start:begin]):
        notes.append("the text before the JSON was ignored")
    if _has_prose(text[end:]):
        notes.append("the text after the JSON was ignored")
        if _scan(text, end, lenient, describe=False).status == "found":
            notes.append("several JSON blocks: used the first")
    return notes


def _has_prose(fragment: str) -> bool:
    return bool(_FENCES.sub("", fragment).strip())
