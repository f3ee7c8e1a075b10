"""The application's QR signing keys and link settings, read once by create_app."""

from __future__ import annotations

from flask import Flask, current_app, request

from survey.services import qrlinks

EXTENSION = "hailong.qr"


def init_app(app: Flask) -> None:
    """Read QR_KEYS, QR_CURRENT_KID and the link settings from the configuration."""
    app.extensions[EXTENSION] = (
        qrlinks.Keyring.from_config(app.config), qrlinks.LinkSettings.from_config(app.config),
    )


def keyring_and_settings() -> tuple[qrlinks.Keyring, qrlinks.LinkSettings]:
    """Return the current application's keys and link settings."""
    return current_app.extensions[EXTENSION]


def link_url(path: str) -> str:
    """Return the absolute URL of a link path: QR_BASE_URL, else the address the request came to."""
    base = current_app.config.get("QR_BASE_URL") or request.url_root
    return base.rstrip("/") + path
