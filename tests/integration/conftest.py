"""Integration fixtures: a fast tiny model built once per session on the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmark.tiny_helpers import tiny_model_path


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The embedded sample corpus in PTC layout (explicit, so PTC_DATA_DIR never changes these tests)."""
    from ptc_bench.benchmark.data.sample import materialise_sample

    return materialise_sample()


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    """The suite's one fast tiny model (15 pre-training steps on the sample corpus's train text)."""
    return tiny_model_path()
