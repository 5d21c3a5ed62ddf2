"""Sub-commands of `bench`, one module each (see `benchmark.cli`)."""
