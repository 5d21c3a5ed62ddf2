"""Pure scoring: parsing model output, span alignment, SemEval SI/FLC/TC scores, statistics.

Never imports torch; fast to import and usable on its own.
"""
