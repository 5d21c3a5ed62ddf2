"""Which vLLM engines are started, reused and stopped (`engines/vllm_pool.py`, `VLLMEngine`).

A stand-in package named `vllm` (first on the path) records every `LLM(...)` it is asked for and
every shutdown, so these tests see the engine's life cycle without starting vLLM; the real engine
with LoRA requests runs in `tests/integration/test_engines.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from ptc_bench.benchmark.generation.engines.vllm import VLLMEngine
from ptc_bench.benchmark.generation.engines.vllm_pool import (
    EngineKey,
    EnginePool,
    active_pool,
    lora_capacity,
    shared_engines,
)
from ptc_bench.core.errors import UserError

STAND_IN = """
STARTED = []

class _Core:
    def __init__(self):
        self.stopped = False

    def shutdown(self):
        self.stopped = True


class LLM:
    def __init__(self, **options):
        self.options = options
        self.llm_engine = _Core()
        STARTED.append(self)
"""
REQUEST = """
class LoRARequest:
    def __init__(self, lora_name, lora_int_id, lora_path):
        self.lora_name, self.lora_int_id, self.lora_path = lora_name, lora_int_id, lora_path
"""


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The stand-in `vllm` module (its STARTED list holds every LLM made)."""
    package = tmp_path / "site" / "vllm"
    (package / "lora").mkdir(parents=True)
    (package / "__init__.py").write_text(STAND_IN, encoding="utf-8")
    (package / "lora" / "__init__.py").write_text("", encoding="utf-8")
    (package / "lora" / "request.py").write_text(REQUEST, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    for name in [n for n in sys.modules if n == "vllm" or n.startswith("vllm.")]:
        monkeypatch.delitem(sys.modules, name)
    import vllm

    return vllm


def adapter(tmp_path: Path, name: str, rank: int) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "adapter_config.json").write_text(f'{{"peft_type": "LORA", "r": {rank}}}', encoding="utf-8")
    return folder


def engine(model: str, lora: tuple[str, Path] | None = None, capacity: int | None = None) -> VLLMEngine:
    return VLLMEngine(model, None, precision="fp32", lora=lora, lora_capacity=capacity)


@pytest.mark.parametrize(("rank", "capacity"), [(1, 1), (4, 8), (8, 8), (16, 16), (17, 32), (512, 512)])
def test_lora_capacity_is_the_smallest_rank_vllm_accepts(rank: int, capacity: int) -> None:
    assert lora_capacity(rank) == capacity


def test_a_rank_above_what_vllm_serves_is_one_line() -> None:
    with pytest.raises(UserError, match="LoRA rank 600: vLLM serves adapters up to rank 512"):
        lora_capacity(600)


def test_outside_a_block_each_engine_starts_and_stops_its_own(stand_in: Any) -> None:
    first, second = engine("base"), engine("base")
    first.start()
    second.start()
    assert len(stand_in.STARTED) == 2
    first.close()
    assert stand_in.STARTED[0].llm_engine.stopped and not stand_in.STARTED[1].llm_engine.stopped
    second.close()
    assert stand_in.STARTED[1].llm_engine.stopped
    assert "enable_lora" not in stand_in.STARTED[0].options


def test_inside_a_block_base_and_adapters_share_one_lora_engine(stand_in: Any, tmp_path: Path) -> None:
    one, two = adapter(tmp_path, "one", 8), adapter(tmp_path, "two", 16)
    with shared_engines(min_lora_rank=16) as pool:
        base = engine("base", capacity=8)
        base.start()
        base.close()  # a shared engine outlives the object that asked for it
        adapted = [engine("base", lora=("adapter-one", one)), engine("base", lora=("adapter-two", two))]
        requests = []
        for each in adapted:
            each.start()
            requests.append(each._lora_request())
        again = engine("base", lora=("adapter-one", one))
        again.start()
        requests.append(again._lora_request())
        assert pool.starts == 1 and len(stand_in.STARTED) == 1
        assert not stand_in.STARTED[0].llm_engine.stopped
    options = stand_in.STARTED[0].options
    assert options["enable_lora"] is True and options["max_lora_rank"] == 16  # min_lora_rank, not 8
    assert [(r.lora_name, r.lora_int_id) for r in requests] == [
        ("adapter-one", 1),
        ("adapter-two", 2),
        ("adapter-one", 1),
    ]
    assert stand_in.STARTED[0].llm_engine.stopped  # the block's end stops the engine held
    assert active_pool() is None


def test_another_folder_or_more_lora_capacity_replaces_the_engine(stand_in: Any, tmp_path: Path) -> None:
    wide = adapter(tmp_path, "wide", 64)
    with shared_engines() as pool:
        engine("base").start()
        engine("merged").start()  # a merged adapter is another folder
        assert [llm.llm_engine.stopped for llm in stand_in.STARTED] == [True, False]
        engine("merged", capacity=8).start()  # LoRA asked of an engine started without it
        engine("merged", lora=("adapter-wide", wide)).start()  # rank 64 > capacity 8
        engine("merged").start()  # the base model fits a LoRA engine
        assert pool.starts == 4
    assert [llm.options.get("max_lora_rank") for llm in stand_in.STARTED] == [None, None, 8, 64]
    assert all(llm.llm_engine.stopped for llm in stand_in.STARTED)


def test_an_engine_stopped_by_the_pool_starts_again_when_used(stand_in: Any) -> None:
    with shared_engines():
        first = engine("base")
        first.start()
        engine("other").start()
        first.start()
    assert [llm.options["model"] for llm in stand_in.STARTED] == ["base", "other", "base"]


def test_a_nested_block_uses_the_outer_pool(stand_in: Any) -> None:
    with shared_engines() as outer:
        with shared_engines() as inner:
            assert inner is outer
            engine("base").start()
        assert not stand_in.STARTED[0].llm_engine.stopped  # the inner block's end stops nothing
        engine("base").start()
        assert outer.starts == 1
    assert stand_in.STARTED[0].llm_engine.stopped


def test_a_key_fits_only_the_same_folder_and_numerics() -> None:
    pool = EnginePool()
    made: list[int | None] = []
    key = EngineKey("base", "float32", "cpu", 0)
    pool.acquire(key, None, lambda rank: made.append(rank))
    pool.acquire(key, None, lambda rank: made.append(rank))
    pool.acquire(EngineKey("base", "bfloat16", "cpu", 0), None, lambda rank: made.append(rank))
    pool.acquire(EngineKey("base", "bfloat16", "cpu", 1), 4, lambda rank: made.append(rank))
    assert made == [None, None, 8] and pool.starts == 3
