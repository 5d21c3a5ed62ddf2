"""folder_fingerprint: content, not location or time, names a local model; hashes are reused once known."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ptc_bench.benchmark.models import fingerprint as model_fingerprint
from ptc_bench.benchmark.models.fingerprint import folder_fingerprint, local_model_fingerprint


def _model(folder: Path) -> Path:
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\x00" * 64)
    return folder


def test_new_weights_of_the_same_size_and_mtime_change_the_fingerprint(tmp_path: Path) -> None:
    folder = _model(tmp_path / "m")
    sidecar = tmp_path / "hashes.json"
    before = folder_fingerprint(folder, sidecar=sidecar)
    weights = folder / "model.safetensors"
    stat = weights.stat()
    weights.write_bytes(b"\x00" * 63 + b"\x01")
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # mtime put back: ctime still moves
    assert folder_fingerprint(folder, sidecar=sidecar) != before


def test_a_config_change_changes_it_and_a_copy_elsewhere_keeps_it(tmp_path: Path) -> None:
    folder = _model(tmp_path / "m")
    before = folder_fingerprint(folder, sidecar=None)
    copy = _model(tmp_path / "copy")
    assert folder_fingerprint(copy, sidecar=None) == before
    (folder / "config.json").write_text('{"hidden_size": 16}', encoding="utf-8")
    assert folder_fingerprint(folder, sidecar=None) != before


def test_each_file_is_hashed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _model(tmp_path / "m")
    sidecar = tmp_path / "hashes.json"
    first = folder_fingerprint(folder, sidecar=sidecar)
    hashed: list[Path] = []
    monkeypatch.setattr(model_fingerprint, "file_sha256", lambda path: hashed.append(path) or "0" * 64)
    assert folder_fingerprint(folder, sidecar=sidecar) == first
    assert hashed == []


def test_a_broken_sidecar_is_only_a_cache_miss(tmp_path: Path) -> None:
    folder = _model(tmp_path / "m")
    sidecar = tmp_path / "hashes.json"
    sidecar.write_text("[[[", encoding="utf-8")
    assert folder_fingerprint(folder, sidecar=sidecar) == folder_fingerprint(folder, sidecar=None)


def test_names_and_hub_ids_have_no_fingerprint(tmp_path: Path) -> None:
    assert local_model_fingerprint("smollm2-135m") is None
    assert local_model_fingerprint("owner/name") is None
    assert local_model_fingerprint(str(_model(tmp_path / "m"))) is not None
