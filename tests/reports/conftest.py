"""Fixtures writing fake run folders, so report tests never wait for the runner."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def load_fake_runs() -> ModuleType:
    """tests/reports/fake_runs.py, imported by path (works in any pytest import mode)."""
    name = "ptc_tests_fake_runs"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("fake_runs.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def fake() -> ModuleType:
    """The fake run builders."""
    return load_fake_runs()


@pytest.fixture
def runs_dir(tmp_path: Path, fake: ModuleType) -> Path:
    """Runs: name-calling and slogans, a cross-evaluation, one on other data, one on validation."""
    return fake.write_runs_folder(tmp_path)


@pytest.fixture
def run_dir(runs_dir: Path) -> Path:
    """The name-calling run (base + adapted, samples with a `<script>` completion)."""
    return runs_dir / "20240501-nc"
