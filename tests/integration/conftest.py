"""Integration fixtures: a fast tiny model built once per session on the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark.tiny import ensure_tiny_model, quick_recipe


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The embedded sample corpus in PTC layout (explicit, so PTC_DATA_DIR never changes these tests)."""
    from benchmark.data.sample import materialise_sample

    return materialise_sample()


@pytest.fixture(scope="session")
def tiny_path(sample_dir: Path) -> Path:
    """A fast tiny model (15 pre-training steps) built on the sample corpus's train text."""
    from benchmark.data import load_split

    train = load_split(sample_dir, "train")
    return ensure_tiny_model([a.text for a in train.articles.values()], recipe=quick_recipe(steps=15))
