"""A small fixed corpus and a fast tiny-model recipe shared by the model and training tests."""

from __future__ import annotations

from pathlib import Path

from benchmark.tiny import TinyRecipe, ensure_tiny_model, quick_recipe

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
FAST_RECIPE: TinyRecipe = quick_recipe(steps=15)


def tiny_model_path() -> Path:
    """The fast tiny model (built once per test session cache, then reused)."""
    return ensure_tiny_model(list(CORPUS), recipe=FAST_RECIPE)
