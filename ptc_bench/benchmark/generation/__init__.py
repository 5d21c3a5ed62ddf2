"""Generating completions: batching, the completion cache, stopping, constrained decoding."""
