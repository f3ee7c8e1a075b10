"""Step 5 of a submission and the uuid look-up of step 2, as SQL Core statements built once.

Every statement runs on the connection of the caller's session (``session.connection()``), inside
its transaction. The two
unique inserts that settle races (the response's uuid, the counted rating of a transaction) are
``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` on both engines: the loser of a race inserts
nothing (PostgreSQL first waits for the winner's commit; SQLite serialises writers) and no savepoint
is needed, because the statement never fails on that conflict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from survey.db.accounts import Credential
from survey.db.base import utcnow
from survey.db.responses import Answer, CountedTransaction, PiiAnswer, Response, ResponseFlag
from survey.domain.answers import AnswerRow
from survey.services.credentials import TOUCH_INTERVAL

_RESPONSES = Response.__table__
_ANSWERS = Answer.__table__
_PII = PiiAnswer.__table__
_FLAGS = ResponseFlag.__table__
_COUNTED = CountedTransaction.__table__
_CREDENTIALS = Credential.__table__

_FIND = select(
    _RESPONSES.c.id, _RESPONSES.c.uuid, _RESPONSES.c.payload_hash, _RESPONSES.c.counted,
    _RESPONSES.c.received_at,
).where(_RESPONSES.c.uuid == bindparam("uuid"))
_FLAGS_OF = select(_FLAGS.c.flag).where(_FLAGS.c.response_id == bindparam("response_id"))
_RECENT = select(_RESPONSES.c.submitted_at, _RESPONSES.c.raw_json).where(
    _RESPONSES.c.credential_id == bindparam("credential_id"),
    _RESPONSES.c.submitted_at >= bindparam("earliest"),
    _RESPONSES.c.submitted_at <= bindparam("latest"),
)
_COUNTED_REF = select(_COUNTED.c.id).where(_COUNTED.c.transaction_ref == bindparam("transaction_ref"))
# Writes the row only when last_used_at is older than credentials.TOUCH_INTERVAL: at most once a
# minute per credential, so a drained queue or a busy kiosk does not rewrite (and lock) it per rating.
_TOUCH = update(_CREDENTIALS).where(
    _CREDENTIALS.c.id == bindparam("credential_id"),
    or_(_CREDENTIALS.c.last_used_at.is_(None), _CREDENTIALS.c.last_used_at < bindparam("stale_before")),
).values(last_used_at=bindparam("used_at"))
_SETTLE = update(_RESPONSES).where(_RESPONSES.c.id == bindparam("response_id")).values(
    counted=bindparam("now_counted"), status=bindparam("now_status"),
)
_INSERT_ANSWERS = _ANSWERS.insert()
_INSERT_PII = _PII.insert()
_INSERT_FLAGS = _FLAGS.insert()
_DIALECT_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# (dialect name, table name) -> the table's INSERT ... ON CONFLICT (unique column) DO NOTHING RETURNING id
_UNIQUE_INSERTS: dict[tuple[str, str], Any] = {}


@dataclass(frozen=True)
class StoredResponse:
    """What a replay needs of a stored response."""

    id: int
    uuid: str
    payload_hash: str
    counted: bool
    received_at: dt.datetime


def find(connection: Connection, uuid: str) -> StoredResponse | None:
    """Return the stored response with ``uuid``, if any."""
    row = connection.execute(_FIND, {"uuid": uuid}).first()
    return None if row is None else StoredResponse(*row)


def flags_of(connection: Connection, response_id: int) -> list[str]:
    """Return the flag names of a stored response."""
    return list(connection.execute(_FLAGS_OF, {"response_id": response_id}).scalars())


def recent(
    connection: Connection, credential_id: int, earliest: dt.datetime, latest: dt.datetime
) -> Sequence[Any]:
    """Return (submitted_at, raw_json) of a credential's responses submitted between two moments."""
    return connection.execute(
        _RECENT, {"credential_id": credential_id, "earliest": earliest, "latest": latest}
    ).all()


def transaction_counted(connection: Connection, transaction_ref: str) -> bool:
    """Whether the transaction already has its counted rating."""
    return connection.execute(_COUNTED_REF, {"transaction_ref": transaction_ref}).first() is not None


def insert_response(connection: Connection, values: dict[str, Any]) -> int | None:
    """Insert a response; return its id, or None when a response with its uuid is already stored."""
    return _insert_unique(connection, _RESPONSES, "uuid", values)


def claim_transaction(connection: Connection, unit_id: int, transaction_ref: str, response_id: int) -> bool:
    """Make the response the counted rating of its transaction; False if another one already is."""
    values = {"unit_id": unit_id, "transaction_ref": transaction_ref, "response_id": response_id}
    return _insert_unique(connection, _COUNTED, "transaction_ref", values) is not None


def settle(connection: Connection, response_id: int, counted: bool, status: str) -> None:
    """Set a stored response's counted and status after a late flag."""
    connection.execute(
        _SETTLE, {"response_id": response_id, "now_counted": counted, "now_status": status}
    )


def touch(connection: Connection, credential_id: int) -> None:
    """Record that a credential was used now, unless that was recorded less than a minute ago."""
    now = utcnow()
    connection.execute(
        _TOUCH, {"credential_id": credential_id, "used_at": now, "stale_before": now - TOUCH_INTERVAL}
    )


def insert_details(
    connection: Connection, response_id: int, rows: Iterable[AnswerRow], pii: Mapping[str, str],
    flags: Iterable[tuple[str, str]],
) -> None:
    """Insert a response's answer rows, its personal-data answers and its flags (name, detail)."""
    answers = [
        {
            "response_id": response_id, "item_code": row.item_code, "seq": row.seq,
            "value_int": row.value_int, "value_num": row.value_num, "value_text": row.value_text,
            "value_date": row.value_date, "score": row.score,
        }
        for row in rows
    ]
    if answers:
        connection.execute(_INSERT_ANSWERS, answers)
    if pii:
        connection.execute(_INSERT_PII, [
            {"response_id": response_id, "item_code": code, "value_text": text} for code, text in pii.items()
        ])
    flag_rows = [{"response_id": response_id, "flag": name, "detail": detail} for name, detail in flags]
    if flag_rows:
        connection.execute(_INSERT_FLAGS, flag_rows)


def _insert_unique(connection: Connection, table: Any, column: str, values: dict[str, Any]) -> int | None:
    """Insert one row unless ``column``'s value is taken; return the new id or None."""
    key = (connection.dialect.name, table.name)
    statement = _UNIQUE_INSERTS.get(key)
    if statement is None:
        statement = _UNIQUE_INSERTS[key] = (
            _DIALECT_INSERT[connection.dialect.name](table)
            .on_conflict_do_nothing(index_elements=[column])
            .returning(table.c.id)
        )
    return connection.execute(statement, values).scalar()
