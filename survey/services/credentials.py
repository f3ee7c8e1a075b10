"""Bearer tokens for kiosks, enumerators' tablets and integrations: issue, authenticate, revoke.

One mechanism for every kind: a 256-bit random token shown once at issue, stored only as its sha256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.accounts import CREDENTIAL_KINDS, Credential
from survey.db.base import utcnow

TOKEN_PREFIX = {"kiosk_device": "hlk", "enumerator_device": "hle", "api_client": "hla"}
# last_used_at is written at most once per credential per interval: a kiosk polling every few seconds
# or sending a queue of ratings does not rewrite its credential's row each time (revocation reads
# revoked_at, never last_used_at).
TOUCH_INTERVAL = dt.timedelta(minutes=1)


class CredentialError(ValueError):
    """A credential request that cannot be carried out."""


@dataclass(frozen=True)
class IssuedToken:
    """A new credential and its token, which is shown once and never stored."""

    credential: Credential
    token: str


def token_hash(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(
    session: Session, kind: str, name: str, unit_id: int, *, created_by: int | None = None,
    user_id: int | None = None,
) -> IssuedToken:
    """Create a credential of ``kind`` scoped to ``unit_id`` and return it with its token."""
    if kind not in CREDENTIAL_KINDS:
        raise CredentialError(f"unknown credential kind {kind!r}")
    if not name.strip():
        raise CredentialError("a credential needs a name")
    token = f"{TOKEN_PREFIX[kind]}_{secrets.token_urlsafe(32)}"
    credential = Credential(
        kind=kind, name=name.strip(), token_hash=token_hash(token), unit_id=unit_id,
        created_by=created_by, user_id=user_id,
    )
    session.add(credential)
    session.flush()
    return IssuedToken(credential, token)


def find(session: Session, token: str, kinds: tuple[str, ...]) -> Credential | None:
    """Return the credential of one of ``kinds`` that ``token`` belongs to, revoked or not."""
    if not token or len(token) > 200:
        return None
    credential = session.scalars(
        select(Credential).where(Credential.token_hash == token_hash(token))
    ).first()
    if credential is None or credential.kind not in kinds:
        return None
    return credential


def touch(credential: Credential) -> None:
    """Record that a credential was used now, unless that was recorded less than TOUCH_INTERVAL ago."""
    now = utcnow()
    if credential.last_used_at is None or now - credential.last_used_at >= TOUCH_INTERVAL:
        credential.last_used_at = now


def revoke(session: Session, credential_id: int) -> Credential:
    """Revoke a credential; it keeps its history and can never be used again."""
    credential = session.get(Credential, credential_id)
    if credential is None:
        raise CredentialError(f"no credential {credential_id}")
    if credential.revoked_at is None:
        credential.revoked_at = utcnow()
        session.flush()
    return credential
