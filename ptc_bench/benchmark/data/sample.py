"""The embedded sample corpus: inline markup shipped with the package, written out in PTC format.

The markup (`sample_corpus/train.ptcmd`, `dev.ptcmd`) is turned into an official-format release
folder under the cache, named by a hash of the markup, so the sample loads through the same loader
and validation as the real release, and an edit of the markup re-materialises it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from ptc_bench.benchmark.data.loader import articles_dir, labels_file, labels_folder
from ptc_bench.benchmark.data.markup import MarkedArticle, parse_markup
from ptc_bench.benchmark.paths import cache_dir
from ptc_bench.core.errors import DataError
from ptc_bench.core.hashing import new_digest

SAMPLE_SPLITS: tuple[str, ...] = ("train", "dev")
_FORMAT_VERSION = b"ptc-sample-v1"


def sample_markup_files() -> dict[str, Path]:
    """The packaged markup file of each sample split."""
    root = resources.files("ptc_bench.benchmark.data") / "sample_corpus"
    return {split: Path(str(root / f"{split}.ptcmd")) for split in SAMPLE_SPLITS}


def materialise_sample(dest: Path | None = None, markup_files: dict[str, Path] | None = None) -> Path:
    """The sample as a PTC release folder `dest/sample-corpus-<hash>/` (dest: the cache), written once."""
    files = markup_files if markup_files is not None else sample_markup_files()
    sources = {split: _read_markup(path) for split, path in files.items()}
    digest = new_digest(_FORMAT_VERSION)
    for split in sorted(sources):
        digest.update(f"\0{split}\0".encode())
        digest.update(sources[split].encode())
    parent = dest if dest is not None else cache_dir()
    target = parent / f"sample-corpus-{digest.hexdigest()[:16]}"
    if target.is_dir():
        return target
    parsed = {split: parse_markup(text, files[split]) for split, text in sources.items()}
    _check_unique_ids(parsed, files)
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sample-corpus-", dir=parent))
    try:
        for split, articles in parsed.items():
            write_release_split(staging, split, articles)
        os.replace(staging, target)
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def write_release_split(root: Path, split: str, articles: list[MarkedArticle]) -> None:
    """Articles plus per-article and concatenated SI and FLC/TC label files, as the official release."""
    articles_dir(root, split).mkdir(parents=True)
    labels_folder(root, split, "flc").mkdir()
    labels_folder(root, split, "si").mkdir()
    all_flc: list[str] = []
    all_si: list[str] = []
    for article in sorted(articles, key=lambda a: int(a.id)):
        _write(articles_dir(root, split) / f"article{article.id}.txt", article.text)
        flc_rows = [f"{article.id}\t{s.technique}\t{s.start}\t{s.end}\n" for s in sorted(article.spans)]
        si_ranges = sorted({(s.start, s.end) for s in article.spans})
        si_rows = [f"{article.id}\t{start}\t{end}\n" for start, end in si_ranges]
        _write(
            labels_folder(root, split, "flc") / f"article{article.id}.task-flc-tc.labels", "".join(flc_rows)
        )
        _write(labels_folder(root, split, "si") / f"article{article.id}.task-si.labels", "".join(si_rows))
        all_flc.extend(flc_rows)
        all_si.extend(si_rows)
    _write(labels_file(root, split, "flc"), "".join(all_flc))
    _write(labels_file(root, split, "si"), "".join(all_si))


def _read_markup(path: Path) -> str:
    """A markup file's text; DataError when it is missing."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(path, None, "sample corpus markup file is missing from the package") from None


def _check_unique_ids(parsed: dict[str, list[MarkedArticle]], files: dict[str, Path]) -> None:
    """An article id may appear in one split only."""
    owner: dict[str, str] = {}
    for split, articles in parsed.items():
        for article in articles:
            if article.id in owner:
                raise DataError(
                    files[split], article.line, f"article {article.id} is also in split {owner[article.id]!r}"
                )
            owner[article.id] = split


def _write(path: Path, text: str) -> None:
    """Write UTF-8 text byte for byte (no newline translation)."""
    path.write_bytes(text.encode("utf-8"))
