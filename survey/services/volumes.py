"""Transactions processed per unit, service and day: import them (all or nothing) and report coverage.

The one-stop system knows how many dossiers each unit handled; hailong only knows the ratings. The
ratio of the two, the coverage, stands beside every kiosk index (DESIGN.md section 6).

Importing a (unit, service, day) that is already stored replaces its count (an upsert): the
one-stop system can send a corrected day again, and a count that should vanish is sent as 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from survey.db.base import utcnow
from survey.db.organisation import Service, Unit
from survey.db.responses import Response
from survey.db.volumes import TransactionVolume
from survey.domain.periods import local_date
from survey.services.units import subtree_ids

RATING_CHANNELS = ("kiosk", "qr")
# transaction_volumes.processed is a 32-bit INTEGER column on PostgreSQL.
PROCESSED_MAX = 2**31 - 1
# Rows per INSERT statement: well under SQLite's limit of 32,766 bound parameters (7 per row).
_CHUNK = 2_000


@dataclass(frozen=True)
class VolumeRow:
    """One count to import; ``line`` is the CSV line or the 1-based position in an API list."""

    line: int
    unit_code: str
    service_code: str
    day: dt.date
    processed: int


@dataclass(frozen=True)
class Problem:
    """Why one line (or the whole file when ``line`` is None) cannot be imported, in vi and en."""

    line: int | None
    code: str
    message_vi: str
    message_en: str

    def text(self, language: str = "vi") -> str:
        """Return the message prefixed with the line it concerns."""
        message = self.message_vi if language == "vi" else self.message_en
        if self.line is None:
            return message
        return f"{'dòng' if language == 'vi' else 'line'} {self.line}: {message}"

    def to_dict(self, position: str = "line") -> dict:
        """Return the JSON form; ``position`` names the line number's key ('line' or 'row')."""
        return {position: self.line, "code": self.code,
                "message": {"vi": self.message_vi, "en": self.message_en}}


class VolumeImportError(Exception):
    """An import refused as a whole: nothing was stored. ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.text("en") for problem in problems[:5]))
        self.problems = problems

    @property
    def out_of_scope(self) -> bool:
        """Whether every problem is a unit outside the caller's scope (HTTP 403 rather than 422)."""
        return all(problem.code == "out_of_scope" for problem in self.problems)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows newly inserted and rows whose count was replaced."""

    inserted: int
    replaced: int


class Coverage(NamedTuple):
    """Ratings counted and transactions processed over the same units, days and service."""

    ratings: int
    transactions: int

    @property
    def share(self) -> float | None:
        """Return ratings / transactions, or None when no transaction was recorded."""
        return self.ratings / self.transactions if self.transactions else None


def parse_day(line: int, text: str) -> tuple[dt.date | None, Problem | None]:
    """Read an ISO date (YYYY-MM-DD) or return the problem."""
    try:
        return dt.date.fromisoformat(text), None
    except (TypeError, ValueError):
        return None, Problem(
            line, "day", f"ngày {text!r} không hợp lệ, cần dạng NNNN-TT-NN (ví dụ 2026-03-15)",
            f"day {text!r} is not a date in the form YYYY-MM-DD (e.g. 2026-03-15)",
        )


def parse_processed(line: int, value: object) -> tuple[int | None, Problem | None]:
    """Read a count of processed transactions (a whole number >= 0) or return the problem."""
    count = None
    if isinstance(value, int) and not isinstance(value, bool):
        count = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        count = int(value.strip()) if len(value.strip()) <= 12 else PROCESSED_MAX + 1
    if count is not None and count > PROCESSED_MAX:
        return None, Problem(
            line, "processed", f"số hồ sơ đã giải quyết lớn quá (tối đa {PROCESSED_MAX})",
            f"processed is too large (at most {PROCESSED_MAX})",
        )
    if count is None or count < 0:
        return None, Problem(
            line, "processed", f"số hồ sơ đã giải quyết {value!r} phải là số nguyên không âm",
            f"processed {value!r} must be a whole number, 0 or more",
        )
    return count, None


def import_rows(
    session: Session, rows: list[VolumeRow], *, source: str = "csv", scope_unit_id: int | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Store every row or none: check codes, scope, dates and duplicates first, then upsert.

    ``scope_unit_id`` limits the units to a subtree (an API client's scope); ``today`` (default: the
    current day in Vietnam) is the last day that can have processed transactions.
    """
    if not rows:
        raise VolumeImportError([Problem(None, "empty", "Không có dòng số liệu nào.", "There are no rows.")])
    today = today or local_date(utcnow())
    units = _ids(session, Unit, {row.unit_code for row in rows})
    services = _ids(session, Service, {row.service_code for row in rows})
    allowed = subtree_ids(session, scope_unit_id) if scope_unit_id is not None else None
    problems, seen, values = [], {}, []
    for row in rows:
        row_problems = _check(row, units, services, allowed, today, seen)
        problems.extend(row_problems)
        if not row_problems:
            values.append({"unit_id": units[row.unit_code], "service_id": services[row.service_code],
                           "day": row.day, "processed": row.processed})
    if problems:
        raise VolumeImportError(problems)
    replaced = _count_existing(session, values)
    _upsert(session, values, source)
    return ImportResult(inserted=len(values) - replaced, replaced=replaced)


def _ids(session: Session, model, codes: set[str]) -> dict[str, int]:
    """Return code -> id for the stored rows of ``model`` among ``codes``."""
    found: dict[str, int] = {}
    listed = sorted(codes)
    for start in range(0, len(listed), _CHUNK):
        chunk = listed[start:start + _CHUNK]
        found.update(session.execute(select(model.code, model.id).where(model.code.in_(chunk))).all())
    return found


def _check(row, units, services, allowed, today, seen) -> list[Problem]:
    """Return the problems of one row against the database and the rows before it."""
    problems = []
    if row.unit_code not in units:
        problems.append(Problem(row.line, "unknown_unit", f"không có đơn vị mã {row.unit_code!r}",
                                f"no unit has code {row.unit_code!r}"))
    elif allowed is not None and units[row.unit_code] not in allowed:
        problems.append(Problem(row.line, "out_of_scope",
                                f"đơn vị {row.unit_code!r} nằm ngoài phạm vi của khóa API này",
                                f"unit {row.unit_code!r} is outside this API key's scope"))
    if row.service_code not in services:
        problems.append(Problem(row.line, "unknown_service", f"không có thủ tục mã {row.service_code!r}",
                                f"no service has code {row.service_code!r}"))
    if row.day > today:
        problems.append(Problem(row.line, "future_day", f"ngày {row.day.isoformat()} chưa đến",
                                f"day {row.day.isoformat()} is in the future"))
    key = (row.unit_code, row.service_code, row.day)
    if key in seen:
        problems.append(Problem(row.line, "duplicate",
                                f"trùng đơn vị, thủ tục và ngày với dòng {seen[key]}",
                                f"same unit, service and day as line {seen[key]}"))
    else:
        seen[key] = row.line
    return problems


def _count_existing(session: Session, values: list[dict]) -> int:
    """Count the (unit, service, day) keys among ``values`` that are already stored."""
    key = tuple_(TransactionVolume.unit_id, TransactionVolume.service_id, TransactionVolume.day)
    total = 0
    for start in range(0, len(values), _CHUNK):
        keys = [(v["unit_id"], v["service_id"], v["day"]) for v in values[start:start + _CHUNK]]
        total += session.scalar(select(func.count()).select_from(TransactionVolume).where(key.in_(keys)))
    return total


def _upsert(session: Session, values: list[dict], source: str) -> None:
    """Insert the rows, replacing the count of keys already stored (INSERT ... ON CONFLICT)."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    now = utcnow()
    for start in range(0, len(values), _CHUNK):
        chunk = [dict(v, source=source, imported_at=now) for v in values[start:start + _CHUNK]]
        statement = insert(TransactionVolume).values(chunk)
        session.execute(statement.on_conflict_do_update(
            index_elements=["unit_id", "service_id", "day"],
            set_={"processed": statement.excluded.processed, "source": statement.excluded.source,
                  "imported_at": statement.excluded.imported_at},
        ))
    session.flush()


def coverage(
    session: Session, unit_ids, start: dt.date, end: dt.date, service_id: int | None = None,
) -> Coverage:
    """Return (ratings, transactions) for ``unit_ids`` over local days ``start <= day < end``.

    Ratings are responses through the kiosk and QR channels that count (``counted`` is true; flagged
    duplicates and revoked devices do not). Pass a whole subtree (units.subtree_ids): ratings come
    from counters while the one-stop system usually reports volumes for the service centre. ``end``
    is exclusive, as Period.end is.
    """
    ids = sorted(set(unit_ids))
    ratings = select(func.count()).select_from(Response).where(
        Response.unit_id.in_(ids), Response.counted.is_(True), Response.channel.in_(RATING_CHANNELS),
        Response.local_date >= start, Response.local_date < end,
    )
    volumes = select(func.coalesce(func.sum(TransactionVolume.processed), 0)).where(
        TransactionVolume.unit_id.in_(ids), TransactionVolume.day >= start, TransactionVolume.day < end,
    )
    if service_id is not None:
        ratings = ratings.where(Response.service_id == service_id)
        volumes = volumes.where(TransactionVolume.service_id == service_id)
    return Coverage(int(session.scalar(ratings)), int(session.scalar(volumes)))
