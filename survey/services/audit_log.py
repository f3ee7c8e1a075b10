"""Read the audit log: filter by action, user, unit and local dates, page through it, write it as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from survey.db.audit import AuditEntry
from survey.domain.periods import LOCAL_ZONE
from survey.services.units import subtree_ids

PER_PAGE = 50
CSV_COLUMNS = ("id", "at_utc", "actor_kind", "actor_name", "actor_user_id", "actor_credential_id",
               "action", "target_type", "target_id", "unit_id", "details", "request_id", "remote_addr")


@dataclass(frozen=True)
class AuditFilter:
    """What to list: an action code, a username, a unit subtree and local dates (inclusive)."""

    action: str | None = None
    username: str | None = None
    unit_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, newest first, with the number of matching entries."""

    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


def _local_midnight(day: dt.date) -> dt.datetime:
    """Return the start of a Vietnamese calendar day as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), LOCAL_ZONE)


def _query(session: Session, where: AuditFilter, scope_unit_id: int | None):
    """Build the filtered query; outside the whole installation only entries of the scope's units."""
    query = select(AuditEntry)
    if scope_unit_id is not None:
        query = query.where(AuditEntry.unit_id.in_(sorted(subtree_ids(session, scope_unit_id))))
    if where.unit_id is not None:
        query = query.where(AuditEntry.unit_id.in_(sorted(subtree_ids(session, where.unit_id))))
    if where.action:
        query = query.where(AuditEntry.action == where.action)
    if where.username:
        name = where.username.strip().lower()
        query = query.where(or_(AuditEntry.actor_name == name, AuditEntry.actor_name == f"cli:{name}"))
    if where.since is not None:
        query = query.where(AuditEntry.at >= _local_midnight(where.since))
    if where.until is not None:
        query = query.where(AuditEntry.at < _local_midnight(where.until + dt.timedelta(days=1)))
    return query


def page_of(session: Session, where: AuditFilter, scope_unit_id: int | None, page: int = 1,
            per_page: int = PER_PAGE) -> AuditPage:
    """Return one page of the matching entries, newest first."""
    query = _query(session, where, scope_unit_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    entries = session.scalars(query.order_by(AuditEntry.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return AuditPage(list(entries), total, page, pages)


def iter_entries(session: Session, where: AuditFilter, scope_unit_id: int | None) -> Iterator[Row]:
    """Yield every matching entry as a row with the entry's column names, oldest first."""
    # Plain rows on the session's connection, not ORM objects: a whole log is read faster.
    query = _query(session, where, scope_unit_id).with_only_columns(*AuditEntry.__table__.columns)
    yield from session.connection().execute(query.order_by(AuditEntry.id).execution_options(yield_per=1000))


def write_csv(session: Session, where: AuditFilter, scope_unit_id: int | None, stream) -> int:
    """Write the matching entries as CSV (times in UTC) to a text stream; return how many."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    written = 0
    for entry in iter_entries(session, where, scope_unit_id):
        writer.writerow([entry.id, entry.at.isoformat(), entry.actor_kind, entry.actor_name,
                         entry.actor_user_id, entry.actor_credential_id, entry.action, entry.target_type,
                         entry.target_id, entry.unit_id, entry.details, entry.request_id,
                         entry.remote_addr])
        written += 1
    return written
