"""Trust the reverse proxy's X-Forwarded-* headers, as many hops of each as the PROXY_FIX_* settings say."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

HEADERS = ("for", "proto", "host", "port", "prefix")


def init_app(app: Flask) -> None:
    """Wrap the WSGI app in ProxyFix when any PROXY_FIX_X_* setting is above 0 (all are 0 by default)."""
    hops = {f"x_{name}": int(app.config[f"PROXY_FIX_X_{name.upper()}"]) for name in HEADERS}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **hops)
