"""Sharded generation under `accelerate launch` (2 CPU processes, gloo) equals a single-process run."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest

from ptc_bench.benchmark.generation.cache import CompletionCache
from ptc_bench.benchmark.generation.distributed import shard_indices
from ptc_bench.benchmark.generation.generate import GenSettings, generate_completions
from tests.benchmark.generation_helpers import (
    build_model,
    build_tokenizer,
    make_prompts,
    single_threaded_torch,
)
from tests.cpu_launch import launch_two_cpu_processes

pytestmark = pytest.mark.integration  # trains or launches model processes

REPO_ROOT = Path(__file__).resolve().parents[2]
N_PROMPTS = 10
SETTINGS = {"max_new_tokens": 8, "batch_size": 3}

SCRIPT = """
import json, sys
sys.path.insert(0, {repo!r})
from ptc_bench.benchmark.generation.distributed import generate_completions_distributed
from ptc_bench.benchmark.generation.cache import CompletionCache
from ptc_bench.benchmark.generation.generate import GenSettings
from tests.benchmark.generation_helpers import build_model, build_tokenizer, make_prompts
from ptc_bench.benchmark.generation.distributed import process_state

state = process_state()
tokenizer = build_tokenizer()
model = build_model(tokenizer, seed=7)
prompts = make_prompts({n})
cache = CompletionCache({cache!r})
completions = generate_completions_distributed(
    model, tokenizer, prompts, GenSettings(**{settings!r}), cache=cache, model_key="tiny", progress=False
)
with open({out!r} + f".rank{{state.process_index}}.json", "w") as handle:
    json.dump({{"texts": [c.text for c in completions], "world": state.num_processes,
               "cached": sum(c.cached for c in completions), "cache_size": len(cache)}}, handle)
"""


def test_shards_interleave_the_length_order() -> None:
    order = [5, 2, 7, 0, 1]
    assert shard_indices(order, 0, 2) == [5, 7, 1]
    assert shard_indices(order, 1, 2) == [2, 0]
    assert sorted(shard_indices(order, 0, 2) + shard_indices(order, 1, 2)) == sorted(order)


def test_two_process_generation_matches_single_process(tmp_path: Path) -> None:
    cache_path = tmp_path / "gen.jsonl"
    out = tmp_path / "result"
    script = tmp_path / "run_generation.py"
    script.write_text(
        textwrap.dedent(SCRIPT).format(
            repo=str(REPO_ROOT), n=N_PROMPTS, cache=str(cache_path), settings=SETTINGS, out=str(out)
        ),
        encoding="utf-8",
    )
    started = time.perf_counter()
    result = launch_two_cpu_processes(str(script), timeout=300)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"result.rank{rank}.json").read_text()) for rank in (0, 1)]
    tokenizer = build_tokenizer()
    with single_threaded_torch():
        single = generate_completions(
            build_model(tokenizer, seed=7), tokenizer, make_prompts(N_PROMPTS), GenSettings(**SETTINGS),
            cache=None, model_key="tiny", progress=False,
        )  # fmt: skip
    for rank in ranks:
        assert rank["world"] == 2
        assert rank["texts"] == [c.text for c in single]
        assert rank["cached"] == 0
        assert rank["cache_size"] == N_PROMPTS  # every rank sees all entries after the merge
    assert list(tmp_path.glob("gen.rank*.jsonl")) == []  # rank 0 merged the shards
    from_cache = generate_completions(
        None, tokenizer, make_prompts(N_PROMPTS), GenSettings(**SETTINGS),
        cache=CompletionCache(cache_path), model_key="tiny", progress=False,
    )  # fmt: skip
    assert all(c.cached for c in from_cache)  # no model needed: the merged cache has everything
    assert [c.text for c in from_cache] == [c.text for c in single]
    print(f"2-process launch took {elapsed:.1f} s")
