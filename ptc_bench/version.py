"""The version of ptc-bench: one place (pyproject reads it; runs record it)."""

__version__ = "0.1.0"
