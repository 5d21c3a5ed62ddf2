"""One run of the benchmark, above the approaches: the runner, cross-evaluation, scoring, the run
record and the run folder."""
