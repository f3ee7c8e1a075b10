"""Locate the data that ships inside the package: bundled questionnaires and templates.

In a checkout, ``survey/_bundled/*`` are symbolic links to the top-level folders of the repository; the
wheel build follows them and stores real files, so the same code finds them in both installs.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def bundled(name: str) -> Traversable:
    """Return the bundled data folder ``name`` (``questionnaires`` or ``templates``)."""
    return files("survey") / "_bundled" / name


def bundled_questionnaire_files() -> list[Path]:
    """Return the paths of the bundled questionnaire definitions, sorted by code and version."""
    root = Path(str(bundled("questionnaires")))
    return sorted(root.glob("*/*.yaml"))


def templates_folder() -> str:
    """Return the folder of the Jinja templates as a file system path."""
    return str(bundled("templates"))


def translations_folder() -> str:
    """Return the folder of the compiled interface translations."""
    return str(files("survey") / "translations")
