"""Shared test options and fixtures: tier markers, the real PTC release, offline mode.

Tiers: every test under tests/integration/ is marked `integration` here, as are the files that
train a model (they say so with `pytestmark`); every other test is marked `unit`, so
`pytest -m "not integration"` runs the fast tier. `slow` tests run only with --run-slow, `gpu`
tests only where CUDA is present.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Two pytest-xdist workers on two cores: one torch thread each avoids oversubscription (~30x slower).
os.environ.setdefault("OMP_NUM_THREADS", "1")
# The toolkit's cache (tiny models, the materialised sample corpus) goes to a temp folder per test
# process unless the caller chose one, so tests never touch the user's cache.
os.environ.setdefault("PTC_BENCH_CACHE", tempfile.mkdtemp(prefix="ptc-bench-test-cache-"))

REPO_ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run_slow = config.getoption("--run-slow")
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:
        has_cuda = False
    integration_dir = Path(__file__).resolve().parent / "integration"
    for item in items:
        if integration_dir in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)
        if not any(item.get_closest_marker(tier) for tier in ("integration", "slow", "gpu")):
            item.add_marker(pytest.mark.unit)
        if "slow" in item.keywords and not run_slow:
            item.add_marker(pytest.mark.skip(reason="slow: run with --run-slow"))
        if "gpu" in item.keywords and not has_cuda:
            item.add_marker(pytest.mark.skip(reason="gpu: no CUDA device"))


def _real_ptc_dir() -> Path | None:
    configured = os.environ.get("PTC_DATA_DIR")
    candidates = [Path(configured)] if configured else [REPO_ROOT.parent / "shared" / "ptc"]
    for candidate in candidates:
        if (candidate / "train-articles").is_dir():
            return candidate.resolve()
    return None


@pytest.fixture(scope="session")
def ptc_dir() -> Path:
    """The official PTC v2 release (PTC_DATA_DIR, else ../shared/ptc); skips when absent."""
    found = _real_ptc_dir()
    if found is None:
        pytest.skip("the PTC release is not available (set PTC_DATA_DIR)")
    return found


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The embedded sample corpus in PTC layout (explicit, so PTC_DATA_DIR never changes these tests)."""
    from ptc_bench.benchmark.data.sample import materialise_sample

    return materialise_sample()


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    """The suite's one fast tiny model (15 pre-training steps on the sample corpus's train text)."""
    from tests.benchmark.tiny_helpers import tiny_model_path

    return tiny_model_path()
