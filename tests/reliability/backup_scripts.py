"""The backup and restore scripts printed in docs/deploy.md, and a fingerprint of a database to compare copies."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text

from survey.db.engine import make_engine

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
PG_BIN = "/usr/lib/postgresql/15/bin"
SCRIPT = re.compile(r"```sh\n(#!/bin/sh\n# /usr/local/bin/([\w-]+).*?)```", re.DOTALL)


def write_scripts(folder: Path) -> dict[str, Path]:
    """Write the scripts printed in docs/deploy.md into ``folder``; return them by name."""
    written = {}
    for body, name in SCRIPT.findall(DEPLOY.read_text()):
        written[name] = folder / name
        written[name].write_text(body)
    return written


def run_script(script: Path, *args: str, env: dict) -> str:
    """Run a script with sh, as the docs say to; return its standard output (AssertionError on failure)."""
    done = subprocess.run(["sh", str(script), *args], env=env, capture_output=True, text=True, timeout=3600,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Return every table's row count and the sha256 of its rows (sorted) in one database."""
    engine = make_engine(url)
    found = {}
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            rows = sorted(repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"')))
            found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    engine.dispose()
    return found
