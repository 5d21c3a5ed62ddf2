"""Read one JSON value at a position, strictly (the `json` module) or leniently (our own reader).

Objects are read as ordered key/value pairs (`JsonObject`) so duplicate keys survive. The lenient
reader also takes single-quoted strings, trailing commas, raw control characters inside strings and,
as a last resort, unescaped quotes inside strings; when the text ends inside the top-level container
it returns the members completed before the cut, so a generation stopped by the token limit keeps
what it had finished.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal, Union

JsonValue = Union["JsonObject", list["JsonValue"], str, int, float, bool, None]
ReadStatus = Literal["complete", "truncated", "invalid"]

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_LITERALS: dict[str, JsonValue] = {"true": True, "false": False, "null": None}
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "'": "'"}
MAX_DEPTH = 64
_STRICT_DECODER = json.JSONDecoder(object_pairs_hook=lambda pairs: JsonObject(tuple(pairs)))


@dataclass(frozen=True)
class JsonObject:
    """A JSON object as its key/value pairs in order, duplicates kept."""

    pairs: tuple[tuple[str, JsonValue], ...]


@dataclass(frozen=True)
class JsonRead:
    """Outcome of reading one value: complete, truncated (partial container kept) or invalid.

    `end` is the index just past the value when complete, else where reading stopped (the error
    position, or the end of the text); `notes` name the lenient repairs that were needed.
    """

    status: ReadStatus
    value: JsonValue
    end: int
    message: str = ""
    notes: tuple[str, ...] = ()


class _EndOfInput(Exception):
    """The text ended inside a value."""


class _TooDeep(Exception):
    """Containers nested deeper than MAX_DEPTH: no answer looks like that."""


class _Syntax(Exception):
    """Not JSON (even leniently) at `pos`."""

    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


def read_json(text: str, start: int, *, lenient: bool) -> JsonRead:
    """The value at `start`: standard JSON first; then the lenient reading, or (strict) why not."""
    try:
        value, end = _STRICT_DECODER.raw_decode(text, start)
    except json.JSONDecodeError as error:
        fallback = read_lenient(text, start)
        if lenient:
            return fallback
        if fallback.status == "truncated":
            return JsonRead("truncated", None, len(text), "the JSON answer is cut off before its end")
        detail = f" ({', '.join(fallback.notes)})" if fallback.status == "complete" and fallback.notes else ""
        message = f"not standard JSON{detail}: {error.msg} at character {error.pos - start}"
        return JsonRead("invalid", None, max(error.pos, start + 1), message)
    except RecursionError:
        return JsonRead("invalid", None, len(text), "JSON nested too deeply")
    return JsonRead("complete", value, end)


def read_lenient(text: str, start: int) -> JsonRead:
    """Lenient JSON at `start`; unescaped inner quotes are tried only when the plain reading fails."""
    plain = _LenientReader(text, guess_inner_quotes=False).read_top(start)
    if plain.status != "invalid":
        return plain
    guessed = _LenientReader(text, guess_inner_quotes=True).read_top(start)
    usable = guessed.status == "complete" or (guessed.status == "truncated" and has_members(guessed.value))
    return guessed if usable else plain


def has_members(value: JsonValue) -> bool:
    """Whether an object or array has at least one member."""
    return bool(value.pairs) if isinstance(value, JsonObject) else bool(value)


class _LenientReader:
    """Recursive-descent reader for JSON plus the lenient extensions; one instance per attempt."""

    def __init__(self, text: str, *, guess_inner_quotes: bool) -> None:
        self.text = text
        self.guess_inner_quotes = guess_inner_quotes
        self.notes: list[str] = []
        self.depth = 0

    def read_top(self, start: int) -> JsonRead:
        """Read the container at `start`, keeping completed members when the text ends inside it."""
        members: list[Any] = []
        is_object = self.text.startswith("{", start)
        try:
            end = self._container(start, members)
        except _EndOfInput:
            partial: JsonValue = JsonObject(tuple(members)) if is_object else members
            return JsonRead(
                "truncated", partial, len(self.text), "the text ends inside the JSON answer", self._notes()
            )
        except _Syntax as error:
            return JsonRead("invalid", None, max(error.pos, start + 1), error.message, self._notes())
        except (_TooDeep, RecursionError):
            return JsonRead("invalid", None, len(self.text), "JSON nested too deeply", self._notes())
        final: JsonValue = JsonObject(tuple(members)) if is_object else members
        return JsonRead("complete", final, end, "", self._notes())

    def _notes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.notes))

    def _skip_space(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(self.text):
            raise _EndOfInput
        return pos

    def _container(self, pos: int, members: list[Any]) -> int:
        """Read `{...}` or `[...]` at `pos` into `members`; return the index after it."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        try:
            return self._members(pos, members)
        finally:
            self.depth -= 1

    def _members(self, pos: int, members: list[Any]) -> int:
        is_object = self.text[pos] == "{"
        closer = "}" if is_object else "]"
        pos = self._skip_space(pos + 1)
        if self.text[pos] == closer:
            return pos + 1
        while True:
            if is_object:
                if self.text[pos] not in "\"'":
                    raise _Syntax(pos, f"expected a quoted key at character {pos}")
                key, pos = self._string(pos, context=":")
                pos = self._skip_space(pos)
                if self.text[pos] != ":":
                    raise _Syntax(pos, f"expected ':' after a key at character {pos}")
                value, pos = self._value(self._skip_space(pos + 1), closer)
                member: object = (key, value)
            else:
                member, pos = self._value(pos, closer)
            members.append(member)
            pos = self._skip_space(pos)
            if self.text[pos] == closer:
                return pos + 1
            if self.text[pos] != ",":
                raise _Syntax(pos, f"expected ',' or '{closer}' at character {pos}")
            pos = self._skip_space(pos + 1)
            if self.text[pos] == closer:
                self.notes.append("trailing comma")
                return pos + 1

    def _value(self, pos: int, closer: str) -> tuple[JsonValue, int]:
        char = self.text[pos]
        if char in "{[":
            members: list[Any] = []
            end = self._container(pos, members)
            return (JsonObject(tuple(members)) if char == "{" else members), end
        if char in "\"'":
            return self._string(pos, context="," + closer)
        number = _NUMBER.match(self.text, pos)
        if number:
            if number.end() == len(self.text):
                raise _EndOfInput
            literal = number.group()
            value: JsonValue = float(literal) if any(c in literal for c in ".eE") else int(literal)
            return value, number.end()
        for word, literal_value in _LITERALS.items():
            if self.text.startswith(word, pos):
                return literal_value, pos + len(word)
            rest = self.text[pos : pos + len(word)]
            if len(rest) < len(word) and word.startswith(rest):
                raise _EndOfInput
        raise _Syntax(pos, f"unexpected {char!r} at character {pos}")

    def _string(self, pos: int, context: str) -> tuple[str, int]:
        """A quoted string at `pos`; `context` lists the characters that may follow its end."""
        quote = self.text[pos]
        if quote == "'":
            self.notes.append("single-quoted strings")
        chars: list[str] = []
        i = pos + 1
        text = self.text
        while i < len(text):
            char = text[i]
            if char == "\\":
                if i + 1 >= len(text):
                    raise _EndOfInput
                decoded = self._escape(i)
                i += 6 if text[i + 1] == "u" else 2
                if "\ud800" <= decoded <= "\udbff" and text.startswith("\\u", i):
                    low = self._escape(i)
                    if "\udc00" <= low <= "\udfff":
                        decoded = chr(0x10000 + ((ord(decoded) - 0xD800) << 10) + (ord(low) - 0xDC00))
                        i += 6
                chars.append(decoded)
                continue
            if char == quote and (not self.guess_inner_quotes or self._closes(i + 1, context)):
                return "".join(chars), i + 1
            if char == quote:
                self.notes.append("unescaped quote inside a string")
            elif char < " ":
                self.notes.append("raw control character inside a string")
            chars.append(char)
            i += 1
        raise _EndOfInput

    def _escape(self, i: int) -> str:
        code = self.text[i + 1]
        if code == "u":
            digits = self.text[i + 2 : i + 6]
            if _HEX4.fullmatch(digits):
                return chr(int(digits, 16))
            if len(digits) < 4 and _HEX4.fullmatch(digits.ljust(4, "0")):
                raise _EndOfInput
            raise _Syntax(i, f"bad \\u escape at character {i}")
        if code in _ESCAPES:
            return _ESCAPES[code]
        raise _Syntax(i, f"bad escape \\{code} at character {i}")

    def _closes(self, pos: int, context: str) -> bool:
        """Whether a quote just before `pos` plausibly ends the string (inner-quote guessing)."""
        pos = self._next_visible(pos)
        if pos == len(self.text):
            return True
        if self.text[pos] not in context:
            return False
        if self.text[pos] != ",":
            return True
        pos = self._next_visible(pos + 1)
        return pos == len(self.text) or self.text[pos] in "\"'{}[]"

    def _next_visible(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in " \t\r\n":
            pos += 1
        return pos
