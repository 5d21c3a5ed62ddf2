"""The shared vocabulary: spans, articles, windows, techniques, errors, hashing, label files.

Every other package may import `core`; `core` imports none of them.
"""
