"""The application factory."""

from __future__ import annotations

from flask import Flask
from flask_wtf import CSRFProtect

from survey.web import database, i18n, logging_requests, proxy, security, settings, unavailable

csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an instance of the hailong application."""
    app = settings.new_app()
    configure_app(app, test_config)
    configure_logging(app)
    configure_extensions(app)
    configure_blueprints(app)
    return app


def configure_app(app: Flask, test_config: dict | None) -> None:
    """Read configuration (survey.web.settings) and trust the reverse proxy as far as it says."""
    settings.load(app, test_config)
    proxy.init_app(app)


def configure_logging(app: Flask) -> None:
    """Log JSON lines to standard output, with a request id and one access line per request."""
    logging_requests.init_app(app)


def configure_extensions(app: Flask) -> None:
    """Bind the database, interface language, CSRF protection and security headers."""
    database.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    unavailable.init_app(app)
    from survey.web import audit_actor, auth

    auth.init_app(app)
    audit_actor.init_app(app)
    from survey.services.exports_design import register_design_source
    from survey.services.weights import export_design_values

    register_design_source(export_design_values)


def configure_blueprints(app: Flask) -> None:
    """Register the blueprints."""
    from survey.web.health import bp as health

    app.register_blueprint(health)
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
