"""What the citizen's page of a QR link shows: the questionnaire the link names and where it rates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.organisation import Service, Unit
from survey.db.questionnaires import QuestionnaireVersion
from survey.domain.qrtoken import LinkClaims


class FormUnavailable(LookupError):
    """The link is genuine but its questionnaire is not published (or its unit is gone)."""


@dataclass(frozen=True)
class CitizenForm:
    """The newest published version of the link's questionnaire and the names of its unit and service."""

    code: str
    version: str
    definition: dict[str, Any]
    logic: list[dict[str, Any]]
    unit_code: str
    unit_name: tuple[str, str]
    service_code: str | None
    service_name: tuple[str, str] | None


def citizen_form(session: Session, claims: LinkClaims) -> CitizenForm:
    """Return the form a genuine link opens, or raise FormUnavailable."""
    row = session.scalars(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.code == claims.questionnaire, QuestionnaireVersion.status == "published")
        .order_by(QuestionnaireVersion.published_at.desc(), QuestionnaireVersion.id.desc())
    ).first()
    if row is None:
        raise FormUnavailable(f"no published version of questionnaire '{claims.questionnaire}'")
    unit = session.get(Unit, claims.unit_id)
    service = session.get(Service, claims.service_id) if claims.service_id is not None else None
    if unit is None:
        raise FormUnavailable(f"unit {claims.unit_id} of the link no longer exists")
    definition, logic = _form_parts(json.loads(row.document))
    return CitizenForm(
        row.code, row.version, definition, logic, unit.code, (unit.name_vi, unit.name_en or unit.name_vi),
        service.code if service else None,
        (service.name_vi, service.name_en or service.name_vi) if service else None,
    )


def _form_parts(document: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the definition (rendered on the server) and each item's rules (applied in the browser).

    The rules are what the submission service checks, in questionnaire order: type, required,
    relevant and constraint (as compiled syntax trees) and the constraint's message.
    """
    compiled = document["compiled"]
    logic = [
        {
            "code": item["code"], "type": item["type"], "required": bool(item.get("required")),
            "relevant": compiled.get(item["code"], {}).get("relevant"),
            "constraint": compiled.get(item["code"], {}).get("constraint"),
            "constraint_message": item.get("constraint_message"),
        }
        for section in document["definition"]["sections"] for item in section["items"]
    ]
    return document["definition"], logic
