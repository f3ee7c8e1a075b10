"""The application factory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_wtf import CSRFProtect

from survey.resources import templates_folder
from survey.web import database, i18n, security

csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an instance of the hailong application."""
    # The instance folder holds config.py, so it cannot come from the configuration itself.
    instance = os.environ.get("HAILONG_INSTANCE_PATH")
    app = Flask(
        "survey", instance_relative_config=True, template_folder=templates_folder(),
        instance_path=os.path.abspath(instance) if instance else None,
    )
    configure_app(app, test_config)
    configure_extensions(app)
    configure_blueprints(app)
    return app


def configure_app(app: Flask, test_config: dict | None) -> None:
    """Read configuration: defaults, instance config.py, HAILONG_* variables, then the test config."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=f"sqlite:///{os.path.join(app.instance_path, 'hailong.db')}",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TIMEZONE="Asia/Ho_Chi_Minh",
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(prefix="HAILONG")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _instance_secret(instance: Path) -> str:
    """Return the instance's secret key, creating it (readable by the owner only) on first use."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def configure_extensions(app: Flask) -> None:
    """Bind the database, interface language, CSRF protection and security headers."""
    database.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    from survey.web import auth

    auth.init_app(app)
    from survey.services.exports_design import register_design_source
    from survey.services.weights import export_design_values

    register_design_source(export_design_values)


def configure_blueprints(app: Flask) -> None:
    """Register the blueprints."""
    from survey.web.catalogue import bp as catalogue

    app.register_blueprint(catalogue)
    from survey.web.volumes_api import bp as volumes_api

    csrf.exempt(volumes_api)
    app.register_blueprint(volumes_api)
    from survey.web.api import bp as api

    csrf.exempt(api)
    app.register_blueprint(api)
    from survey.web.auth import bp as auth
    from survey.web.admin import bp as admin

    app.register_blueprint(auth)
    app.register_blueprint(admin)
    from survey.web.analyst import bp as analyst
    from survey.web.public import bp as public

    app.register_blueprint(analyst)
    app.register_blueprint(public)
    from survey.web.cases import bp as cases
    from survey.web.exports import bp as exports

    app.register_blueprint(cases)
    app.register_blueprint(exports)
    from kiosk.admin import bp as kiosk_admin
    from kiosk.blueprint import bp as kiosk

    csrf.exempt(kiosk)
    app.register_blueprint(kiosk)
    app.register_blueprint(kiosk_admin)
    from survey.web import qr, qr_api

    qr.init_app(app)
    csrf.exempt(qr_api.create_link)
    app.register_blueprint(qr.bp)
    from survey.web.interview import bp as interview
    from survey.web.supervision import bp as supervision

    csrf.exempt(interview)
    app.register_blueprint(interview)
    app.register_blueprint(supervision)
