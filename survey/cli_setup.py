"""``hailong init`` and ``hailong demo``: set up a database and run the demonstration server."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from survey.db import migrate
from survey.demo import accounts as demo_accounts
from survey.demo import build as demo_build
from survey.demo.build import DEFAULT_SCALE, DEFAULT_SEED
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.services import questionnaires as service
from survey.web.database import EXTENSION, engine_of, session_scope


@click.command()
@with_appcontext
def init() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    engine = engine_of(current_app)
    migrate.upgrade(engine)
    click.echo(f"database ready at revision {migrate.current(engine)}: {engine.url.render_as_string()}")


# Pages and endpoints the demo prints, when the blueprint that serves them is registered.
DEMO_URLS = (
    ("Trang chủ / Home", "catalogue.index"),
    ("Đăng nhập / Log in", "auth.login"),
    ("Quản trị / Administration", "admin.index"),
)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database and exit.")
@click.option("--scale", type=click.FloatRange(min=0.0001, max=10.0), default=None,
              help="Share of the full demo volume (1 = about 50,000 kiosk ratings and 20 interviews per "
                   f"village) built on the first run; default DEMO_SCALE, else {DEFAULT_SCALE}.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int)
@with_appcontext
def demo(host: str, port: int, no_serve: bool, scale: float | None, seed: int) -> None:
    """Prepare a demo database (built once, reused afterwards) and serve it."""
    app = current_app._get_current_object()
    migrate.upgrade(engine_of(app))
    with session_scope(app) as session:
        for path in bundled_questionnaire_files():
            q = load_file(path)
            service.load(session, q)
            service.publish(session, q.code, q.version, by="demo")
            click.echo(f"published {q.code} {q.version}")
        existing = demo_build.state(session)
    if existing == "partial":
        raise click.ClickException(
            "an interrupted demo build is in this database: remove it (instance/hailong.db) and run again"
        )
    if existing == "complete":
        click.echo("demo data found: reusing it")
    else:
        scale = scale if scale is not None else float(app.config.get("DEMO_SCALE", DEFAULT_SCALE))
        click.echo(f"building the demo province (scale {scale:g}, seed {seed}) ...")
        report = demo_build.build(
            app.extensions[EXTENSION][1], scale=scale, seed=seed,
            progress=lambda step, done, total: click.echo(f"  {step}: {done}/{total}"),
        )
        click.echo("\n".join(report.lines()))
    click.echo("Tài khoản demo (chỉ dùng để thử) / demo accounts (for trying out only):")
    for account in demo_accounts.ACCOUNTS:
        click.echo(f"  {account.username:<10} {account.password:<20} {account.role}")
    if no_serve:
        return
    # The demo runs over plain HTTP on the loopback interface, where a Secure cookie would be dropped.
    app.config["SESSION_COOKIE_SECURE"] = False
    for label, endpoint in DEMO_URLS:
        if endpoint in app.view_functions:
            rule = next(app.url_map.iter_rules(endpoint))
            click.echo(f"  {label}: http://{host}:{port}{rule.rule}")
    click.echo(f"hailong demo on http://{host}:{port}/  (Ctrl+C to stop)")
    # Flask's app.run() does nothing inside a "flask"-style command (it refuses to block one), so the
    # demo calls the development server that app.run() would have started.
    run_simple(host, port, app, threaded=True)
