"""The README is a guide: short, every docs page reachable from it, every link and named file real."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
CODE_PATH = re.compile(r"`(ptc_bench/[\w/]+\.py)`")


def test_the_readme_is_at_most_450_lines() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 450


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {(REPO / target).resolve() for target in LINK.findall(README.read_text(encoding="utf-8"))}
    pages = sorted((REPO / "docs").glob("*.md"))
    assert pages, "docs/ holds the moved text"
    assert [page.name for page in pages if page.resolve() not in linked] == []


def test_every_relative_link_and_named_source_file_exists() -> None:
    missing = []
    for page in [README, *sorted((REPO / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for target in LINK.findall(text):
            if (
                not target.startswith(("http://", "https://", "mailto:"))
                and not (page.parent / target).exists()
            ):
                missing.append(f"{page.name}: {target}")
        missing += [f"{page.name}: {path}" for path in CODE_PATH.findall(text) if not (REPO / path).is_file()]
    assert missing == []
