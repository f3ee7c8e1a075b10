"""Fixtures of the case tests (the world itself is built in case_world.py)."""

from case_world import case_world  # noqa: F401  (a fixture)
