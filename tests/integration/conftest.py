"""Integration fixtures: a fast tiny model built once per session on the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark.tiny import ensure_tiny_model, quick_recipe


@pytest.fixture(scope="session")
def tiny_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fast tiny model (15 pre-training steps) built on the sample corpus's train text."""
    from benchmark.data import load_split, resolve_data_dir

    train = load_split(resolve_data_dir(None).path, "train")
    return ensure_tiny_model([a.text for a in train.articles.values()], recipe=quick_recipe(steps=15))
