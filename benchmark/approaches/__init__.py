"""The approaches a run can take (generate, tagger)."""
