"""A deterministic validation split carved out of train by a stable hash of the article id."""

from __future__ import annotations

from pathlib import Path

from ptc_bench.benchmark.data.loader import load_split
from ptc_bench.core.hashing import stable_int
from ptc_bench.core.types import SplitData

VALIDATION_SPLIT_NAME = "validation"


def article_hash(article_id: str) -> int:
    """A hash of the id that is the same on every machine and run (unlike Python's `hash`)."""
    return stable_int(f"ptc-bench/validation/{article_id}", 8)


def validation_split(train: SplitData, fraction: float = 0.1) -> tuple[SplitData, SplitData]:
    """(train part, validation part): the `fraction` of articles with the lowest id hashes validate.

    With two or more articles each part gets at least one; the choice depends on the ids only.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation fraction must be between 0 and 1 (exclusive), got {fraction}")
    ranked = sorted(train.articles, key=lambda article_id: (article_hash(article_id), article_id))
    n_total = len(ranked)
    n_validation = min(max(round(fraction * n_total), 1), n_total - 1) if n_total >= 2 else 0
    validation_ids = frozenset(ranked[:n_validation])
    return (
        _subset(train, train.name, frozenset(ranked[n_validation:])),
        _subset(train, VALIDATION_SPLIT_NAME, validation_ids),
    )


def load_train_and_validation(data_dir: Path) -> tuple[SplitData, SplitData]:
    """(train part, validation part) of the train split in `data_dir`: the one way they are loaded."""
    return validation_split(load_split(Path(data_dir), "train"))


def _subset(split: SplitData, name: str, keep: frozenset[str]) -> SplitData:
    """The articles (and gold) of `split` whose id is in `keep`, in the same order."""
    articles = {article_id: article for article_id, article in split.articles.items() if article_id in keep}
    spans = None if split.spans is None else {a: s for a, s in split.spans.items() if a in articles}
    return SplitData(name, articles, spans)
