"""One run of the benchmark: its spec, the runner, the stage contract, scoring and the run folder."""
