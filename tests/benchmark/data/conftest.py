"""Fixtures that build small PTC-format release folders in a temp dir or copy a few real articles."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

LabelRows = list[tuple[str, str, int, int]]


def _write_release(
    root: Path,
    split: str,
    texts: dict[str, str],
    rows: LabelRows | None,
    *,
    layout: str = "folders",
) -> Path:
    """A split with `article<ID>.txt` files and FLC rows (id, technique, start, end) in either layout."""
    (root / f"{split}-articles").mkdir(parents=True, exist_ok=True)
    for article_id, text in texts.items():
        (root / f"{split}-articles" / f"article{article_id}.txt").write_bytes(text.encode("utf-8"))
    if rows is None:
        return root
    lines = [f"{a}\t{t}\t{s}\t{e}\n" for a, t, s, e in rows]
    si_lines = [f"{a}\t{s}\t{e}\n" for a, _, s, e in rows]
    if layout == "folders":
        folder = root / f"{split}-labels-task-flc-tc"
        si_folder = root / f"{split}-labels-task-si"
        folder.mkdir(exist_ok=True)
        si_folder.mkdir(exist_ok=True)
        for article_id in texts:
            mine = [line for line in lines if line.startswith(f"{article_id}\t")]
            si_mine = [line for line in si_lines if line.startswith(f"{article_id}\t")]
            (folder / f"article{article_id}.task-flc-tc.labels").write_text("".join(mine))
            (si_folder / f"article{article_id}.task-si.labels").write_text("".join(si_mine))
    else:
        (root / f"{split}-task-flc-tc.labels").write_text("".join(lines))
        (root / f"{split}-task-si.labels").write_text("".join(si_lines))
    return root


def _copy_real_articles(ptc_dir: Path, dest: Path, article_ids: list[str], split: str = "train") -> Path:
    """Copy a few real articles and their per-article FLC/TC and SI label files into `dest`."""
    for folder, name in (
        (f"{split}-articles", "article{}.txt"),
        (f"{split}-labels-task-flc-tc", "article{}.task-flc-tc.labels"),
        (f"{split}-labels-task-si", "article{}.task-si.labels"),
    ):
        (dest / folder).mkdir(parents=True, exist_ok=True)
        for article_id in article_ids:
            shutil.copyfile(
                ptc_dir / folder / name.format(article_id), dest / folder / name.format(article_id)
            )
    return dest


@pytest.fixture
def write_release() -> Callable[..., Path]:
    """`write_release(root, split, texts, rows, layout="folders"|"concatenated")` -> root."""
    return _write_release


@pytest.fixture
def copy_real_articles() -> Callable[..., Path]:
    """`copy_real_articles(ptc_dir, dest, article_ids, split="train")` -> dest."""
    return _copy_real_articles
