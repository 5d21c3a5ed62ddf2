"""verify_adapter: a damaged adapter folder is one clear error, never a traceback (issue 22, case 5)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from ptc_bench.benchmark.models.adapter_check import AdapterError, verify_adapter
from ptc_bench.benchmark.models.quant import adapter_description


def _adapter(folder: Path) -> Path:
    folder.mkdir()
    (folder / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 2}), encoding="utf-8")
    save_file({"a": np.ones((4, 4), dtype=np.float32)}, str(folder / "adapter_model.safetensors"))
    return folder


def test_a_whole_adapter_passes(tmp_path: Path) -> None:
    verify_adapter(_adapter(tmp_path / "adapter"))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "adapter_model.safetensors").unlink(), "the adapter has no weights"),
        (lambda f: (f / "adapter_model.safetensors").write_bytes(b""), "too short for a safetensors header"),
        (
            lambda f: (f / "adapter_model.safetensors").write_bytes(
                (f / "adapter_model.safetensors").read_bytes()[:-10]
            ),
            "the tensors need 64 bytes of data but the file holds 54",
        ),
        (
            lambda f: (f / "adapter_model.safetensors").write_bytes(
                (f / "adapter_model.safetensors").read_bytes()[:20]
            ),
            "the header claims",
        ),
        (
            lambda f: (f / "adapter_config.json").write_text("{broken", encoding="utf-8"),
            "cannot read the adapter",
        ),
        (
            lambda f: (f / "adapter_config.json").write_text("[]", encoding="utf-8"),
            "not a peft adapter config",
        ),
        (lambda f: (f / "adapter_config.json").unlink(), "not an adapter folder (no adapter_config.json)"),
    ],
    ids=["missing", "empty", "truncated-data", "truncated-header", "broken-config", "not-peft", "no-config"],
)
def test_damage_is_one_adapter_error(tmp_path: Path, damage, message: str) -> None:  # type: ignore[no-untyped-def]
    folder = _adapter(tmp_path / "adapter")
    damage(folder)
    with pytest.raises(AdapterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        verify_adapter(folder)


def test_the_status_line_names_the_adapter_kind() -> None:
    assert adapter_description("none") == "a LoRA adapter (unquantised weights)"
    assert adapter_description("none", "bf16") == "a LoRA adapter (unquantised weights), bf16 compute"
    assert adapter_description("4bit") == "a 4-bit QLoRA adapter"
