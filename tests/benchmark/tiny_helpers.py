"""The one fast tiny model of the test suite (sample corpus, 15 steps), and a small text for build tests.

Unit, training and integration tests all use `tiny_model_path()`: the same model, built once per
test cache, on the sample corpus's train text.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.models.tiny import DEFAULT_RECIPE, TinyRecipe, ensure_tiny_model

CORPUS = (
    "The council met on Tuesday to discuss the new bridge over the river. Residents said the old "
    "bridge was unsafe and that repairs had been delayed for years. The mayor promised a decision "
    "before the winter, while critics called the plan a waste of public money.\n"
    "In the north of the country, farmers reported a late harvest after weeks of heavy rain. Prices "
    "for wheat rose sharply, and some shops limited how much flour a customer could buy.\n"
    "A group of students built a small robot that can sort plastic from paper. Their teacher said "
    "the project began as a joke but quickly became the most popular class in the school.\n"
    "The museum will open a new hall next spring with paintings from the last two centuries. "
    "Visitors will be able to see works that have never been shown in public before.\n",
)


def quick_recipe(steps: int = 20) -> TinyRecipe:
    """A smaller, faster recipe for tests (same shapes, fewer steps)."""
    return replace(DEFAULT_RECIPE, vocab_size=512, hidden_size=64, seq_length=96, batch_size=4, steps=steps)


FAST_RECIPE: TinyRecipe = quick_recipe(steps=15)


def tiny_model_path() -> Path:
    """The fast tiny model on the sample corpus's train text (built once per test cache, then reused)."""
    from ptc_bench.benchmark.data import load_split
    from ptc_bench.benchmark.data.sample import materialise_sample

    train = load_split(materialise_sample(), "train")
    return ensure_tiny_model([a.text for a in train.articles.values()], recipe=FAST_RECIPE)


def tiny_model_info(path: Path) -> dict[str, Any]:
    """The recipe, parameter count, final loss and build time recorded next to a tiny model."""
    result: dict[str, Any] = json.loads((path / "tiny_recipe.json").read_text(encoding="utf-8"))
    return result
