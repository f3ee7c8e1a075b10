"""API client keys for integrations (the one-stop software): issue for a unit, list, revoke.

The keys are credentials of kind ``api_client`` (survey.services.credentials); this module adds the
unit-scope rules of staff who manage them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.accounts import Credential, User
from survey.services import audit, credentials
from survey.services.errors import ServiceError
from survey.services.units import is_within, subtree_ids

KIND = "api_client"


class ApiKeyError(ServiceError):
    """A key request that cannot be carried out, with vi/en messages."""


def _check_scope(session: Session, by: User | None, unit_id: int) -> None:
    """Refuse a unit outside the acting staff member's scope."""
    if by is not None and not is_within(session, unit_id, by.unit_id):
        raise ApiKeyError("forbidden", "Đơn vị nằm ngoài phạm vi của bạn.",
                          "The unit is outside your scope.", "unit_id")


def issue(session: Session, name: str, unit_id: int, *, by: User | None = None) -> credentials.IssuedToken:
    """Issue a key for the subtree of ``unit_id``; the token in the result is shown once."""
    _check_scope(session, by, unit_id)
    if not (name or "").strip():
        raise ApiKeyError("name_required", "Cần đặt tên cho khoá.", "The key needs a name.", "name")
    issued = credentials.issue(session, KIND, name, unit_id, created_by=by.id if by else None)
    audit.record(session, "api_key.create", "api_key", issued.credential.id, unit_id=unit_id, by=by)
    return issued


def list_keys(session: Session, scope_id: int | None = None) -> list[Credential]:
    """Return the keys (revoked ones too) of units in the scope, newest first."""
    query = select(Credential).where(Credential.kind == KIND).order_by(Credential.id.desc())
    if scope_id is not None:
        query = query.where(Credential.unit_id.in_(subtree_ids(session, scope_id)))
    return list(session.scalars(query))


def revoke(session: Session, key_id: int, *, by: User | None = None) -> Credential:
    """Revoke a key for good."""
    key = session.get(Credential, key_id)
    if key is None or key.kind != KIND:
        raise ApiKeyError("unknown_key", "Không có khoá này.", "No such key.")
    _check_scope(session, by, key.unit_id)
    if key.revoked_at is None:
        audit.record(session, "api_key.revoke", "api_key", key.id, unit_id=key.unit_id, by=by)
    return credentials.revoke(session, key.id)
