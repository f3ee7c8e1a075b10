"""Fixtures for the bundled questionnaires: their definition files and loaded versions."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from survey.domain.loader import load_file
from survey.resources import bundled

CODES = ("kiosk", "sipas", "sipas-policy", "papi")
VERSION = "2026.1"


def _path(code: str) -> Path:
    """Return the bundled definition file of ``code``."""
    return Path(str(bundled("questionnaires"))) / code / f"{VERSION}.yaml"


@functools.cache
def _load(code: str):
    """Load a bundled questionnaire once per test run (versions are immutable values)."""
    return load_file(_path(code))


@pytest.fixture
def bundled_path():
    """Return the function giving the definition file of a bundled questionnaire."""
    return _path


@pytest.fixture(params=CODES)
def questionnaire(request):
    """Return each bundled questionnaire in turn."""
    return _load(request.param)


@pytest.fixture
def papi():
    """Return the bundled PAPI questionnaire."""
    return _load("papi")


@pytest.fixture
def sipas():
    """Return the bundled SIPAS questionnaire."""
    return _load("sipas")


@pytest.fixture
def policy():
    """Return the bundled SIPAS policy-aspect questionnaire."""
    return _load("sipas-policy")


@pytest.fixture
def kiosk():
    """Return the bundled kiosk questionnaire."""
    return _load("kiosk")
