"""``hailong serve``: run the production server, gunicorn with the bundled configuration."""

from __future__ import annotations

import os
import sys

import click

GUNICORN_CONFIG = "python:survey.web.gunicorn_conf"


@click.command()
def serve() -> None:
    """Serve the application with gunicorn (settings SERVER_* in docs/deploy.md); replaces this process."""
    # exec, not a child process: systemd's signals (SIGTERM for a graceful stop, SIGHUP to reload)
    # then reach gunicorn's master directly.
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG])
