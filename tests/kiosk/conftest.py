"""Fixtures of the kiosk tests (the world itself is built in kiosk_world.py)."""

from kiosk_world import login, world  # noqa: F401  (fixtures)
