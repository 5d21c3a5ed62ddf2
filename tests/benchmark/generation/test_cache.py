"""The JSONL completion cache: keys, append and reload, torn lines, overwrites, rank shards."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from ptc_bench.benchmark.generation.cache import (
    CacheEntry,
    CompletionCache,
    cache_key,
    new_entry,
    prompt_hash,
)


def _entry(key: str, text: str = "{}", stopped: str = "json_closed") -> CacheEntry:
    return new_entry(key, prompt_hash(key), text, stopped, 10, 2)  # type: ignore[arg-type]


def test_cache_key_depends_on_model_settings_and_prompt() -> None:
    base = cache_key("model@rev+adapter", "settings", prompt_hash("p"))
    assert base == cache_key("model@rev+adapter", "settings", prompt_hash("p"))
    assert base != cache_key("model@rev+other-adapter", "settings", prompt_hash("p"))
    assert base != cache_key("model@rev+adapter", "settings2", prompt_hash("p"))
    assert base != cache_key("model@rev+adapter", "settings", prompt_hash("q"))
    assert len(base) == 64


def test_appended_entries_survive_a_reload(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    cache = CompletionCache(path)
    cache.append([_entry("a", '{"x": "y"}'), _entry("b", "ünïcode")])
    reloaded = CompletionCache(path)
    assert len(reloaded) == 2
    entry_a, entry_b = reloaded.get("a"), reloaded.get("b")
    assert entry_a is not None and entry_a.text == '{"x": "y"}' and entry_a.stopped == "json_closed"
    assert entry_b is not None and entry_b.text == "ünïcode"
    assert entry_a.n_prompt_tokens == 10 and entry_a.n_new_tokens == 2 and entry_a.created > 0
    assert reloaded.get("missing") is None
    record = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert set(record) == {
        "key",
        "prompt_hash",
        "text",
        "stopped",
        "n_prompt_tokens",
        "n_new_tokens",
        "created",
    }


def test_torn_last_line_is_skipped_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "c.jsonl"
    CompletionCache(path).append([_entry("a"), _entry("b")])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"key": "c", "prompt_hash": "x", "te')  # killed mid-write
    with caplog.at_level(logging.WARNING, logger="ptc_bench.benchmark.generation.cache"):
        cache = CompletionCache(path)
    assert len(cache) == 2 and "c" not in cache
    assert "torn last line" in caplog.text
    cache.append([_entry("d")])  # must not be glued onto the torn line
    reloaded = CompletionCache(path)
    assert set(reloaded.keys()) == {"a", "b", "d"}


def test_malformed_lines_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "c.jsonl"
    good = json.dumps({**_entry("a").__dict__})
    bad_reason = json.dumps({**_entry("b").__dict__, "stopped": "bored"})
    path.write_text(f"{good}\n[1, 2]\n{bad_reason}\n\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="ptc_bench.benchmark.generation.cache"):
        cache = CompletionCache(path)
    assert len(cache) == 1 and "a" in cache
    assert caplog.text.count("malformed line") == 2


def test_later_lines_win(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    cache = CompletionCache(path)
    cache.append([_entry("a", "old")])
    cache.append([_entry("a", "new", stopped="eos")])
    entry = CompletionCache(path).get("a")
    assert entry is not None and entry.text == "new" and entry.stopped == "eos"
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_rank_shards_are_read_and_merged(tmp_path: Path) -> None:
    path = tmp_path / "gen.jsonl"
    main = CompletionCache(path)
    main.append([_entry("a")])
    main.for_rank(0).append([_entry("b")])
    main.for_rank(1).append([_entry("c")])
    shard_names = sorted(shard.name for shard in main.shard_paths())
    assert shard_names == ["gen.rank0.jsonl", "gen.rank1.jsonl"]
    assert "b" not in main  # a rank view writes to its shard, not to the main file's entries
    resumed = CompletionCache(path)  # an interrupted multi-process run: shards are still read
    assert set(resumed.keys()) == {"a", "b", "c"}
    assert resumed.merge_shards() == 2
    assert resumed.shard_paths() == []
    assert set(CompletionCache(path).keys()) == {"a", "b", "c"}


APPEND_SCRIPT = """
import sys, time
from pathlib import Path
from ptc_bench.benchmark.generation.cache import CompletionCache, new_entry, prompt_hash
path, worker, start = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
while not start.exists():
    time.sleep(0.001)
cache = CompletionCache(path)
for batch in range(30):
    keys = [f"{worker}-{batch}-{i}" for i in range(4)]
    cache.append(new_entry(k, prompt_hash(k), k + " é" * 6000, "eos", 10, 2) for k in keys)
"""


def test_concurrent_appends_from_several_processes_stay_whole(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import os
    import subprocess
    import sys

    path, start = tmp_path / "cache" / "completions.jsonl", tmp_path / "start"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    workers = [
        subprocess.Popen([sys.executable, "-c", APPEND_SCRIPT, str(path), str(n), str(start)], env=env)
        for n in range(4)
    ]
    start.touch()  # all four append at once: 120 batches of ~48 KB each
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0, 0]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 * 30 * 4
    assert all(json.loads(line)["text"].startswith(json.loads(line)["key"]) for line in lines)
    with caplog.at_level(logging.WARNING):
        assert len(CompletionCache(path)) == 480
    assert not caplog.records


def test_a_full_disk_during_an_append_is_one_error_and_no_torn_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22, case 6: ENOSPC while appending takes the partial write back and names the file."""
    import errno
    import os

    from ptc_bench.benchmark.generation import cache as gen_cache
    from ptc_bench.benchmark.generation.cache import CompletionCache, new_entry
    from ptc_bench.core.safe_write import WriteError

    path = tmp_path / "completions.jsonl"
    cache = CompletionCache(path)
    cache.append([new_entry("k1", "p1", "one", "eos", 3, 1)])
    before = path.read_bytes()
    real_write = os.write

    def half_then_full(descriptor: int, data: object) -> int:
        if len(data) > 10:  # type: ignore[arg-type]
            return real_write(descriptor, data[:10])  # type: ignore[index]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(gen_cache.os, "write", half_then_full)
    with pytest.raises(WriteError, match=r"cannot write the completion cache .*completions.jsonl: No space"):
        cache.append([new_entry("k2", "p2", "two", "eos", 3, 1)])
    monkeypatch.undo()
    assert path.read_bytes() == before


def test_an_entry_whose_text_is_not_a_string_is_a_corrupt_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 22, case 11: a number as text is skipped with a warning, never coerced with str()."""
    from ptc_bench.benchmark.generation.cache import CompletionCache

    path = tmp_path / "completions.jsonl"
    entry = {"key": "k", "prompt_hash": "p", "text": 12, "stopped": "eos", "n_prompt_tokens": 1,
             "n_new_tokens": 1, "created": 0.0}  # fmt: skip
    path.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        cache = CompletionCache(path)
    assert len(cache) == 0 and "field 'text' is not a string" in caplog.text
