"""Worker of `benchmark.perf.train_timing`: time one training job read from a JSON file, print JSON.

python -m benchmark.perf.train_worker JOB.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Read the job, time it in this process, print one JSON line."""
    from ptc_bench.benchmark.perf.train_timing import TimingJob, time_job

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m benchmark.perf.train_worker JOB.json", file=sys.stderr)
        return 2
    job = TimingJob.from_json(json.loads(Path(args[0]).read_text(encoding="utf-8")))
    timing = time_job(job)
    print(
        json.dumps(
            {
                "steps": timing.steps,
                "seconds": timing.seconds,
                "windows": timing.windows,
                "tokens": timing.tokens,
                "peak_rss_bytes": timing.peak_rss_bytes,
                "detail": timing.detail,
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
