"""Read the configuration: defaults, the instance folder's config.py, HAILONG_* variables, test values.

These are the only sources (docs/deploy.md, "Settings"). The web application and the gunicorn
configuration read them through the same functions, so a setting means the same to both.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Config, Flask

from survey.resources import templates_folder

PREFIX = "HAILONG"
# The instance folder holds config.py, so it cannot come from the configuration itself.
INSTANCE_VARIABLE = f"{PREFIX}_INSTANCE_PATH"


def new_app() -> Flask:
    """Return a bare Flask application whose instance folder follows HAILONG_INSTANCE_PATH."""
    instance = os.environ.get(INSTANCE_VARIABLE)
    return Flask(
        "survey", instance_relative_config=True, template_folder=templates_folder(),
        instance_path=os.path.abspath(instance) if instance else None,
    )


def load(app: Flask, test_config: dict | None = None) -> None:
    """Fill the app's config: defaults, instance config.py, HAILONG_* variables, then the test config."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(prefix=PREFIX)
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))


def read() -> Config:
    """Return the configuration as the application would read it, without building the application."""
    app = new_app()
    load(app)
    return app.config


def defaults(instance_path: str) -> dict:
    """Return the settings that have a default in code."""
    return {
        # Set here so that Flask's own FLASK_DEBUG variable cannot switch debug mode on in production.
        "DEBUG": False,
        "DATABASE_URL": f"sqlite:///{os.path.join(instance_path, 'hailong.db')}",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "TIMEZONE": "Asia/Ho_Chi_Minh",
        "LOG_LEVEL": "INFO",
        "PROXY_FIX_X_FOR": 0,
        "PROXY_FIX_X_PROTO": 0,
        "PROXY_FIX_X_HOST": 0,
        "PROXY_FIX_X_PORT": 0,
        "PROXY_FIX_X_PREFIX": 0,
        "SERVER_BIND": "127.0.0.1:8000",
        "SERVER_WORKERS": 2 * _cores() + 1,
        "SERVER_TIMEOUT": 60,
        "SERVER_GRACEFUL_TIMEOUT": 30,
    }


def _cores() -> int:
    """Return the number of CPU cores this process may run on (its affinity, not the machine's total)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def instance_secret(instance: Path) -> str:
    """Return the instance's secret key, creating it (readable by the owner only) on first use.

    Several server workers may start at once on a fresh instance folder: the key is written to a
    private file first and then linked into place, which fails for every worker but the first, so
    all of them read the same complete key.
    """
    path = instance / "secret_key"
    if not path.exists():
        draft = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
