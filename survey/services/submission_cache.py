"""Look-ups that a run of submissions in one transaction repeats: unit chains, devices, versions, services.

A SubmitCache answers each look-up once per transaction and from memory afterwards. It is bound to
the transaction it was first used in: used in another one (after a commit or a rollback) it forgets
everything, so a credential revoked, a unit edited or a service added in between is seen as soon as a
new transaction starts, exactly as without the cache.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from survey.db.accounts import Credential
from survey.db.organisation import Service, Unit
from survey.domain.model import Questionnaire
from survey.services.cases_rules import CaseRule, rule_for
from survey.services.credentials import token_hash
from survey.services.submission_errors import SubmissionError
from survey.services.submission_versions import published_row, questionnaire_of

_UNITS = Unit.__table__
_CREDENTIALS = Credential.__table__
_SERVICES = Service.__table__
_UNIT_COLUMNS = (_UNITS.c.id, _UNITS.c.parent_id, _UNITS.c.opening_hours)
_UNIT_BY_CODE = select(*_UNIT_COLUMNS).where(_UNITS.c.code == bindparam("code"))
_UNIT_BY_ID = select(*_UNIT_COLUMNS).where(_UNITS.c.id == bindparam("unit_id"))
_CREDENTIAL_BY_HASH = select(
    _CREDENTIALS.c.id, _CREDENTIALS.c.kind, _CREDENTIALS.c.unit_id, _CREDENTIALS.c.revoked_at,
).where(_CREDENTIALS.c.token_hash == bindparam("token_hash"))
_SERVICE_BY_CODE = select(_SERVICES.c.id).where(_SERVICES.c.code == bindparam("code"))
# Tokens longer than this are refused without a look-up (as credentials.find does).
TOKEN_MAX = 200


@dataclass(frozen=True)
class UnitLink:
    """One unit of a chain from the root down: what the scope check and the opening hours need."""

    id: int
    parent_id: int | None
    opening_hours: str | None


@dataclass(frozen=True)
class DeviceCredential:
    """A bearer credential as the device channels see it (revoked or not)."""

    id: int
    kind: str
    unit_id: int
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class PublishedVersion:
    """A published questionnaire version: its row id, its built Questionnaire and its case rule."""

    id: int
    questionnaire: Questionnaire
    cases: CaseRule


class SubmitCache:
    """Per-transaction memory of the look-ups of ``submission.submit``; pass one to a run of submits."""

    def __init__(self) -> None:
        self._transaction: Any = None
        self._connection: Connection | None = None
        self._clear()

    def _clear(self) -> None:
        """Forget every look-up."""
        self._chains: dict[str, tuple[UnitLink, ...]] = {}
        self._units: dict[int, UnitLink] = {}
        self._credentials: dict[str, DeviceCredential | None] = {}
        self._versions: dict[tuple[str | None, str | None, str | None], PublishedVersion] = {}
        self._services: dict[str, int] = {}

    def bind(self, session: Session) -> Connection:
        """Attach to the session's transaction (forgetting look-ups made in another one); return its connection."""
        connection = session.connection()
        transaction = session.get_transaction()
        if transaction is not self._transaction:
            self._clear()
            self._transaction = transaction
        self._connection = connection
        return connection

    def unit_chain(self, session: Session, code: str) -> tuple[UnitLink, ...]:
        """Return the unit with ``code`` and its ancestors, root first (422 unknown_unit)."""
        chain = self._chains.get(code)
        if chain is not None:
            return chain
        row = self._connection.execute(_UNIT_BY_CODE, {"code": code}).first()
        if row is None:
            raise SubmissionError("unknown_unit", f"({code})", f"({code})", field="unit")
        links = [self._remember(row)]
        while links[-1].parent_id is not None and all(link.id != links[-1].parent_id for link in links):
            parent = self._unit(session, links[-1].parent_id)
            if parent is None:
                break
            links.append(parent)
        chain = self._chains[code] = tuple(reversed(links))
        return chain

    def _unit(self, session: Session, unit_id: int) -> UnitLink | None:
        """Return the unit with ``unit_id``, from memory when seen before."""
        link = self._units.get(unit_id)
        if link is None:
            row = self._connection.execute(_UNIT_BY_ID, {"unit_id": unit_id}).first()
            link = None if row is None else self._remember(row)
        return link

    def _remember(self, row: Any) -> UnitLink:
        """Keep a unit row as a UnitLink."""
        link = self._units[row.id] = UnitLink(row.id, row.parent_id, row.opening_hours)
        return link

    def credential(self, session: Session, token: str, kinds: tuple[str, ...]) -> DeviceCredential | None:
        """Return the credential of one of ``kinds`` that ``token`` belongs to, revoked or not."""
        if not token or len(token) > TOKEN_MAX:
            return None
        if token not in self._credentials:
            row = self._connection.execute(_CREDENTIAL_BY_HASH, {"token_hash": token_hash(token)}).first()
            self._credentials[token] = None if row is None else DeviceCredential(
                row.id, row.kind, row.unit_id, row.revoked_at,
            )
        credential = self._credentials[token]
        return credential if credential is not None and credential.kind in kinds else None

    def version(
        self, session: Session, code: str | None, version: str | None, digest: str | None
    ) -> PublishedVersion:
        """Return the published version named by code and version or by content hash (422 otherwise)."""
        key = (code, version, digest)
        found = self._versions.get(key)
        if found is None:
            row = published_row(session, code, version, digest)
            questionnaire = questionnaire_of(session, row)
            found = self._versions[key] = PublishedVersion(row.id, questionnaire, rule_for(questionnaire))
        return found

    def service_id(self, session: Session, code: str | None) -> int | None:
        """Return the id of the service with ``code`` (422 unknown_service), None without a code."""
        if code is None:
            return None
        service_id = self._services.get(code)
        if service_id is None:
            service_id = self._connection.execute(_SERVICE_BY_CODE, {"code": code}).scalar()
            if service_id is None:
                raise SubmissionError("unknown_service", f"({code})", f"({code})", field="service")
            self._services[code] = service_id
        return service_id
