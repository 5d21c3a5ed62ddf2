"""Integration fixtures: the sample corpus and the fast tiny model come from tests/conftest.py."""
