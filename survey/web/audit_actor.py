"""Attribute the audit entries recorded during a web request to its user, request id and address."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user

from survey.services import audit


def init_app(app: Flask) -> None:
    """Set the audit actor at the start of every request and restore it at the end."""
    app.before_request(_start)
    app.teardown_request(_end)


def _start() -> None:
    """Make the request's actor the one that ``audit.record`` uses."""
    g.audit_token = audit.set_actor(_request_actor)


def _end(_exception: BaseException | None) -> None:
    """Restore the actor that was current before the request."""
    token = g.pop("audit_token", None)
    if token is not None:
        audit.reset_actor(token)


def _request_actor() -> audit.Actor:
    """Return the logged-in staff member, or an anonymous visitor, with the request's id and address."""
    request_id, address = g.get("request_id"), request.remote_addr
    if current_user.is_authenticated:
        return audit.Actor("user", current_user.username, user_id=current_user.id,
                           request_id=request_id, remote_addr=address)
    return audit.Actor("anonymous", "anonymous", request_id=request_id, remote_addr=address)
