"""Load, publish, read back and compare questionnaire versions in the database."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from survey.db.base import utcnow
from survey.db.questionnaires import QuestionnaireVersion
from survey.domain.diff import VersionDiff, diff
from survey.domain.document import canonical_json, content_hash, from_document, to_document
from survey.domain.model import Questionnaire
from survey.services import audit


class VersionFrozenError(RuntimeError):
    """An attempt to change or delete a published questionnaire version."""


class VersionNotFound(LookupError):
    """No stored version matches the request."""


class CorruptVersionError(RuntimeError):
    """A stored document no longer matches its content hash."""


@dataclass(frozen=True)
class LoadResult:
    """What loading a definition did: 'created', 'replaced' (a draft) or 'unchanged'."""

    code: str
    version: str
    content_hash: str
    outcome: str
    status: str


def load(session: Session, questionnaire: Questionnaire) -> LoadResult:
    """Store a questionnaire as a draft, replacing an older draft of the same version."""
    document = to_document(questionnaire)
    digest = content_hash(document)
    row = _find(session, questionnaire.code, questionnaire.version)
    if row is not None and row.content_hash == digest:
        return LoadResult(row.code, row.version, digest, "unchanged", row.status)
    if row is not None and row.status == "published":
        raise VersionFrozenError(
            f"{row.code} {row.version} is published and frozen (hash {row.content_hash[:12]}); "
            "its content cannot change: give the changed definition a new version"
        )
    outcome = "replaced" if row is not None else "created"
    if row is None:
        row = QuestionnaireVersion(code=questionnaire.code, version=questionnaire.version, status="draft")
        session.add(row)
    row.family = questionnaire.family
    row.title_vi = questionnaire.title.get("vi")
    row.document = canonical_json(document).decode("utf-8")
    row.content_hash = digest
    session.flush()
    return LoadResult(row.code, row.version, digest, outcome, row.status)


def publish(session: Session, code: str, version: str, by: str | None = None) -> QuestionnaireVersion:
    """Freeze a stored version; publishing a published version changes nothing."""
    row = _require(session, code, version)
    if row.status == "published":
        return row
    _verify(row)
    row.status = "published"
    row.published_at = utcnow()
    row.published_by = by
    session.flush()
    audit.record(session, "questionnaire.publish", "questionnaire_version", row.id,
                 details={"code": row.code, "version": row.version, "content_hash": row.content_hash})
    return row


def get(session: Session, code: str, version: str | None = None) -> tuple[QuestionnaireVersion, Questionnaire]:
    """Return a stored version and its questionnaire, checked against its hash.

    Without ``version``, the newest published version is returned.
    """
    if version is None:
        row = session.scalars(
            select(QuestionnaireVersion)
            .where(QuestionnaireVersion.code == code, QuestionnaireVersion.status == "published")
            .order_by(QuestionnaireVersion.published_at.desc(), QuestionnaireVersion.id.desc())
        ).first()
        if row is None:
            raise VersionNotFound(f"no published version of questionnaire '{code}'")
    else:
        row = _require(session, code, version)
    return row, from_document(_verify(row), f"{row.code} {row.version}")


def get_by_hash(session: Session, digest: str) -> tuple[QuestionnaireVersion, Questionnaire]:
    """Return the published version with content hash ``digest``."""
    row = session.scalars(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.content_hash == digest, QuestionnaireVersion.status == "published"
        )
    ).first()
    if row is None:
        raise VersionNotFound(f"no published questionnaire version has hash {digest}")
    return row, from_document(_verify(row), f"{row.code} {row.version}")


def list_versions(session: Session, code: str | None = None) -> list[QuestionnaireVersion]:
    """Return stored versions ordered by code and version."""
    query = select(QuestionnaireVersion)
    if code is not None:
        query = query.where(QuestionnaireVersion.code == code)
    rows = session.scalars(query).all()
    return sorted(rows, key=lambda r: (r.code, _version_key(r.version)))


def compare(session: Session, code: str, old: str, new: str) -> VersionDiff:
    """Return what changed between two stored versions."""
    return diff(get(session, code, old)[1], get(session, code, new)[1])


def _version_key(version: str) -> tuple[int, ...]:
    """Sort '2026.10' after '2026.9'."""
    return tuple(int(part) for part in version.split("."))


def _find(session: Session, code: str, version: str) -> QuestionnaireVersion | None:
    """Return the stored version or None."""
    return session.scalars(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.code == code, QuestionnaireVersion.version == version
        )
    ).first()


def _require(session: Session, code: str, version: str) -> QuestionnaireVersion:
    """Return the stored version or raise VersionNotFound."""
    row = _find(session, code, version)
    if row is None:
        raise VersionNotFound(f"questionnaire '{code}' has no version '{version}'")
    return row


def _verify(row: QuestionnaireVersion) -> dict:
    """Return the stored document after checking it against its content hash."""
    document = json.loads(row.document)
    if content_hash(document) != row.content_hash:
        raise CorruptVersionError(
            f"{row.code} {row.version}: the stored document does not match its content hash "
            f"{row.content_hash}; it was changed outside hailong"
        )
    return document


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_published(session: Session, _context, _instances) -> None:
    """Refuse, in the application too, any change or deletion of a published version."""
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, QuestionnaireVersion):
            continue
        status = inspect(obj).attrs.status.history
        was = status.deleted[0] if status.deleted else (status.unchanged or [None])[0]
        if was == "published" and (obj in session.deleted or session.is_modified(obj)):
            raise VersionFrozenError(f"{obj.code} {obj.version} is published and frozen")
