"""Writing files safely: atomic (old or new, never half), all-or-nothing for a set, never through a link.

Every file is written to a fresh temporary in its own folder (`O_EXCL`, so never through a
symbolic link), fsync'ed and renamed over the target; any failure — a full disk while writing,
flushing or closing — removes the temporary and raises `WriteError`, one line naming the file.
`StagedFiles` writes several files this way and renames them in only when every one was written,
so a folder never ends with some new files beside old ones. `output_folder` makes a folder to write
into and refuses one reached through a symbolic link that leads out of the folder it belongs to.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from ptc_bench.core.errors import UserError


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_current_umask()  # what open() would give; mkstemp alone gives 0o600


class WriteError(UserError):
    """A file or folder could not be written (disk full, read-only, not a folder, a link leading out)."""


def describe(error: OSError) -> str:
    """The short reason of an OSError ("No space left on device")."""
    return error.strerror or str(error) or type(error).__name__


def open_no_follow(path: Path, flags: int, mode: int = 0o644) -> int:
    """`os.open` that never writes through a symbolic link: a link at `path` is one WriteError line.

    For the files appended or rewritten in place inside a run or runs folder (the lock, run.log, the
    completion cache, the sweep log), where the atomic temporary-and-rename of the others does not fit.
    """
    refuse_link(path)
    try:
        return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), mode)
    except OSError as error:
        if error.errno == errno.ELOOP:  # became a link between the check and the open
            raise WriteError(f"{path} is a symbolic link; refusing to write through it") from None
        raise


def refuse_link(path: Path) -> None:
    """WriteError when `path` is a symbolic link (checked before any work that would write it)."""
    if Path(path).is_symlink():
        target = os.readlink(path)
        raise WriteError(
            f"{path} is a symbolic link (to {target}); refusing to write through it: remove the link"
        )


def output_folder(folder: Path, *, within: Path | None = None) -> Path:
    """Make `folder` (and its parents) and return it; WriteError when it cannot be written into.

    With `within` (the folder being written, e.g. a run folder or a runs folder), `folder` must
    stay inside it once symbolic links are followed: `RUNS/leaderboard -> /victim` is refused.
    """
    folder = Path(folder)
    if within is not None:
        inside = Path(within).resolve()
        resolved = folder.resolve()
        if resolved != inside and inside not in resolved.parents:
            raise WriteError(
                f"{folder}: refusing to write through a symbolic link that leads out of {within} "
                f"(to {resolved})"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(f"cannot create the folder {folder}: {describe(error)}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(f"cannot write into the folder {folder}: permission denied")
    return folder


@contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[IO[str]]:
    """A text handle on a temporary beside `path`, renamed over it when the block succeeds."""
    with StagedFiles() as staged, staged.open(path, mode) as handle:
        yield handle


def atomic_write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8, `\\n` line ends) atomically."""
    with atomic_open(path) as handle:
        handle.write(text)


class StagedFiles:
    """Files written to temporaries, renamed in together on success, all removed on any failure."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []  # (temporary, target)

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()

    @contextmanager
    def open(self, path: Path, mode: str = "w") -> Iterator[IO[str]]:
        """A text handle (or binary with mode "wb") on a new temporary for `path`."""
        path = Path(path)
        try:
            descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as error:
            raise WriteError(f"cannot write {path}: {describe(error)}") from None
        temporary = Path(name)
        self._pending.append((temporary, path))
        try:
            os.fchmod(descriptor, _FILE_MODE)
            encoding = None if "b" in mode else "utf-8"
            newline = None if "b" in mode else "\n"
            with os.fdopen(descriptor, mode, encoding=encoding, newline=newline) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            self.discard()
            raise WriteError(f"cannot write {path}: {describe(error)}") from None
        except BaseException:
            self.discard()
            raise

    def write_text(self, path: Path, text: str) -> None:
        """Stage `text` for `path`."""
        with self.open(path) as handle:
            handle.write(text)

    def commit(self) -> None:
        """Rename every temporary over its target (after all of them were written)."""
        pending, self._pending = self._pending, []
        for index, (temporary, target) in enumerate(pending):
            try:
                os.replace(temporary, target)
            except OSError as error:
                for left, _ in pending[index:]:
                    left.unlink(missing_ok=True)
                raise WriteError(f"cannot write {target}: {describe(error)}") from None

    def discard(self) -> None:
        """Remove every temporary written so far."""
        pending, self._pending = self._pending, []
        for temporary, _ in pending:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
