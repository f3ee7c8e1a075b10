"""Bind the database to the application: one engine per app, one session per request or command."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import Flask, g
from sqlalchemy.orm import Session

from survey.db.engine import make_engine, make_session_factory

EXTENSION = "hailong.db"


def init_app(app: Flask) -> None:
    """Create the engine from DATABASE_URL and close the request's session on teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION] = (engine, make_session_factory(engine))
    app.teardown_appcontext(_close_session)


def engine_of(app: Flask):
    """Return the application's engine."""
    return app.extensions[EXTENSION][0]


def request_session() -> Session:
    """Return the session of the current request, opening it on first use."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions[EXTENSION][1]()
    return g.db_session


def _close_session(_exception: BaseException | None) -> None:
    """Close the request's session, rolling back anything not committed."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error."""
    session = app.extensions[EXTENSION][1]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
