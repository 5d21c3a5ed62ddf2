"""One import root: the wheel installs `ptc_bench` and nothing else at the top of site-packages."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OLD_ROOTS = ("benchmark", "core", "metrics", "tasks", "reports")


def _clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


@pytest.mark.integration
def test_the_wheel_holds_one_top_level_package(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    build = subprocess.run(
        [*command, "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        env=_clean_env(),
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("ptc_bench-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
        names = archive.namelist()
    assert {top for top in tops if not top.endswith(".dist-info")} == {"ptc_bench"}
    # the data files travel with it: the sample corpus, the records' JSON schemas
    assert any(name.startswith("ptc_bench/benchmark/data/sample_corpus/") for name in names)
    assert "ptc_bench/core/results_schema.json" in names


def test_only_ptc_bench_is_importable_outside_the_checkout(tmp_path: Path) -> None:
    """From a folder that is not the checkout, the installed project answers to `ptc_bench` only."""
    probe = (
        "import importlib.util, sys\n"
        f"old = {OLD_ROOTS!r}\n"
        "print(sorted(name for name in old if importlib.util.find_spec(name) is not None))\n"
        "import ptc_bench, ptc_bench.benchmark.cli\n"
        "print(ptc_bench.__version__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found, version = result.stdout.splitlines()
    assert found == "[]"
    assert version == "0.1.0"
