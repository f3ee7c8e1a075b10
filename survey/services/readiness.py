"""Whether the database can serve requests: reachable and migrated to the revision this code expects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from survey.db import migrate


@dataclass(frozen=True)
class Readiness:
    """The outcome of a readiness check; ``reason`` is a stable code when not ready."""

    ready: bool
    reason: str | None
    revision: str | None
    head: str

    def to_dict(self) -> dict:
        """Return the JSON body of /readyz."""
        body = {"status": "ready" if self.ready else "unavailable", "revision": self.revision,
                "head": self.head}
        if self.reason is not None:
            body["reason"] = self.reason
        return body


# One indexed read: Alembic's MigrationContext would cost about three times as much per probe.
_REVISION = text("SELECT version_num FROM alembic_version")


@cache
def expected_revision() -> str:
    """Return the head revision of the installed migrations (read from the scripts once per process)."""
    return migrate.head()


def check(engine: Engine) -> Readiness:
    """Connect to the database and compare its revision with the installed migrations' head."""
    head = expected_revision()
    try:
        revision = _revision(engine)
    except SQLAlchemyError:
        return Readiness(False, "database_unreachable", None, head)
    if revision is None:
        return Readiness(False, "database_not_initialised", None, head)
    if revision != head:
        return Readiness(False, "database_not_at_head", revision, head)
    return Readiness(True, None, revision, head)


def _revision(engine: Engine) -> str | None:
    """Return the database's Alembic revision, None when it has no version table."""
    with engine.connect() as connection:
        try:
            return connection.execute(_REVISION).scalar()
        except DBAPIError:
            connection.rollback()
            if inspect(connection).has_table("alembic_version"):
                raise
            return None
