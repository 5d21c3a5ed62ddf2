"""Errors shared across the toolkit, and when to raise which.

`UserError` is for input a user can fix (a task or model name, an option, a config or data file):
any layer may raise it, and the CLI shows it as one line with exit status 2. A broken contract
between our own functions is a `ValueError` (or `KeyError` for a lookup) and keeps its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the user (a file, an option): shown as one clear line, exit status 2."""


class DataError(UserError):
    """A corpus or prediction file is malformed; the message names the file and line."""

    def __init__(self, path: object, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.detail = message
