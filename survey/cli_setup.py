"""``hailong init`` and ``hailong demo``: set up a database and run the demonstration server."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.db import migrate
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.services import questionnaires as service
from survey.web.database import engine_of, session_scope


@click.command()
@with_appcontext
def init() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    engine = engine_of(current_app)
    migrate.upgrade(engine)
    click.echo(f"database ready at revision {migrate.current(engine)}: {engine.url.render_as_string()}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database and exit.")
@with_appcontext
def demo(host: str, port: int, no_serve: bool) -> None:
    """Prepare a demo database with the bundled questionnaires and serve it."""
    app = current_app._get_current_object()
    migrate.upgrade(engine_of(app))
    with session_scope(app) as session:
        for path in bundled_questionnaire_files():
            q = load_file(path)
            service.load(session, q)
            service.publish(session, q.code, q.version, by="demo")
            click.echo(f"published {q.code} {q.version}")
    if no_serve:
        return
    # The demo runs over plain HTTP on the loopback interface, where a Secure cookie would be dropped.
    app.config["SESSION_COOKIE_SECURE"] = False
    click.echo(f"hailong demo on http://{host}:{port}/  (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False)
