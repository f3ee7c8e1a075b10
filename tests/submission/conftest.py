"""Fixtures of the submission tests (the world itself is built in submission_world.py)."""

from submission_world import world  # noqa: F401  (a fixture)
