"""`bench perf`: measured speed and memory of the toolkit's recipes against the naive way, side by side."""
