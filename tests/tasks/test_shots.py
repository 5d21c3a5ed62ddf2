"""k-shot example selection: deterministic, order-independent, preferring the task's technique."""

from __future__ import annotations

import random

import pytest

from ptc_bench.core.types import Span, Window
from ptc_bench.tasks import get_task, select_shots
from ptc_bench.tasks.task import Shot

NC = "Name_Calling,Labeling"
LL = "Loaded_Language"


def _pool() -> list[Shot]:
    """12 windows over 6 articles; name-calling gold in 4 windows of 3 articles."""
    pool: list[Shot] = []
    for article in range(6):
        for index in range(2):
            text = f"Article {article} window {index} says something.\n"
            spans: list[Span] = [Span(0, 7, LL)]
            if (article, index) in {(0, 0), (0, 1), (2, 1), (4, 0)}:
                spans.append(Span(8, 9, NC))
            pool.append((Window(str(article), index * 100, text, index), spans))
    return pool


def _keys(shots: list[Shot]) -> list[tuple[str, int]]:
    return [(window.article_id, window.index) for window, _ in shots]


def test_same_seed_same_choice_whatever_the_input_order() -> None:
    task = get_task("name-calling")
    pool = _pool()
    shuffled = pool[:]
    random.Random(99).shuffle(shuffled)
    first = select_shots(task, pool, 3, seed=5)
    assert _keys(first) == _keys(select_shots(task, shuffled, 3, seed=5))
    assert _keys(first) == _keys(select_shots(task, list(reversed(pool)), 3, seed=5))


def test_windows_with_the_technique_come_first_one_per_article_first() -> None:
    task = get_task("name-calling")
    for seed in range(10):
        keys = _keys(select_shots(task, _pool(), 3, seed=seed))
        assert sorted(article for article, _ in keys) == ["0", "2", "4"], seed
    four = _keys(select_shots(task, _pool(), 4, seed=1))
    assert set(four) == {("0", 0), ("0", 1), ("2", 1), ("4", 0)}
    five = select_shots(task, _pool(), 5, seed=1)
    assert not any(span.technique == NC for span in five[4][1])


def test_seed_changes_the_choice() -> None:
    task = get_task("loaded-language")
    choices = {tuple(_keys(select_shots(task, _pool(), 2, seed=seed))) for seed in range(8)}
    assert len(choices) > 1


def test_exclusions_limits_and_short_pools() -> None:
    task = get_task("name-calling")
    chosen = select_shots(task, _pool(), 12, seed=0, exclude_articles={"0"})
    assert len(chosen) == 10
    assert "0" not in {window.article_id for window, _ in chosen}
    assert select_shots(task, _pool(), 3, max_chars=10) == []
    assert select_shots(task, _pool(), 0) == []
    with pytest.raises(ValueError, match="k must be"):
        select_shots(task, _pool(), -1)
