"""ptc-bench: LLMs, with and without (Q)LoRA adapters, on propaganda spans (PTC, SemEval-2020 Task 11).

One import root: `ptc_bench.core` (the shared vocabulary), `ptc_bench.tasks`, `ptc_bench.metrics`,
`ptc_bench.reports` and `ptc_bench.benchmark` (the engine and the `bench` command).
"""

from ptc_bench.api import evaluate, load_ptc, run, score  # light: the model stack loads inside them
from ptc_bench.version import __version__

__all__ = ["__version__", "evaluate", "load_ptc", "run", "score"]
