"""``hailong cases sync``: open the feedback cases of responses that have none yet (run periodically)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.services import cases as service
from survey.web.database import session_scope


@click.group()
def cases() -> None:
    """Feedback cases (phản ánh, kiến nghị)."""


@cases.command("sync")
@with_appcontext
def sync() -> None:
    """Open a case for every rating of 3 or less with a comment or a call-back request (idempotent)."""
    policy = service.policy_from_settings(current_app.config)
    with session_scope(current_app) as session:
        opened = service.sync(session, policy)
    click.echo(f"Đã mở {opened} phản ánh mới. / Opened {opened} new cases.")
