"""Log a test client in through the real login form (with its CSRF token)."""

from __future__ import annotations

import re

from werkzeug.security import generate_password_hash

PASSWORD = "mat-khau-thu-nghiem"
# A cheap hash: these accounts only need to log in through the real login form.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    """Return the CSRF token found on a form page."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def log_in(client, username: str, password: str) -> None:
    """Log the client in as ``username`` or fail the test."""
    data = {"csrf_token": csrf_token(client, "/auth/login"), "username": username, "password": password}
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
