"""ptc-bench engine: CLI, data loading, models, training, generation and the runner.

Nothing heavy is imported here: torch, transformers, peft, trl and bitsandbytes are imported
inside the functions that need them, so `bench --help` starts fast.
"""
