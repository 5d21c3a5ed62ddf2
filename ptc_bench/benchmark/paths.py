"""Where the toolkit keeps its caches (tiny model, materialised sample corpus, generations)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """`PTC_BENCH_CACHE` if set, else the user cache folder (e.g. ~/.cache/ptc-bench)."""
    configured = os.environ.get("PTC_BENCH_CACHE")
    if configured:
        path = Path(configured)
    else:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir("ptc-bench", appauthor=False))
    from ptc_bench.core.safe_write import WriteError, output_folder

    try:
        return output_folder(path)
    except WriteError as error:
        where = "PTC_BENCH_CACHE" if configured else "the cache folder"
        raise WriteError(f"{where} is unusable: {error}") from None
