"""What a paired kiosk needs to work offline: its unit, the services, its settings, the staff PIN
check, and the newest published kiosk questionnaire with its expressions as syntax trees."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.kiosks import Kiosk
from survey.db.organisation import Service, Unit
from survey.services import questionnaires
from survey.services.kiosks import PIN_ITERATIONS

QUESTIONNAIRE = "kiosk"
IDLE_ACTIONS = ("discard", "submit")


@dataclass(frozen=True)
class KioskSettings:
    """Kiosk behaviour from the application configuration (KIOSK_* keys or HAILONG_KIOSK_* variables).

    idle_seconds: inactivity before the kiosk returns to its welcome screen; idle_action: what
    happens then to a rating already given ("discard" or "submit"); thanks_seconds: how long the
    thank-you screen stays; ask_service: whether citizens choose the service they used;
    poll_seconds: how often the welcome screen asks for a pushed transaction.
    """

    idle_seconds: float = 30.0
    idle_action: str = "discard"
    thanks_seconds: float = 5.0
    ask_service: bool = True
    poll_seconds: float = 5.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> KioskSettings:
        """Read KIOSK_IDLE_SECONDS, KIOSK_IDLE_ACTION, ... from an application configuration."""
        defaults = cls()
        values = {}
        for name, default in asdict(defaults).items():
            raw = config.get(f"KIOSK_{name.upper()}")
            if raw is None:
                continue
            if isinstance(default, bool):
                values[name] = raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
            else:
                values[name] = type(default)(raw)
        settings = cls(**values)
        if settings.idle_action not in IDLE_ACTIONS:
            raise ValueError(f"KIOSK_IDLE_ACTION must be one of {IDLE_ACTIONS}")
        return settings


def kiosk_form(session: Session) -> dict[str, Any]:
    """Return the newest published kiosk questionnaire: its document, hash and expression trees."""
    row, questionnaire = questionnaires.get(session, QUESTIONNAIRE)
    document = json.loads(row.document)
    trees: dict[str, dict[str, Any]] = {}
    for item in questionnaire.items:
        parsed = {
            key: expression.tree
            for key, expression in (("relevant", item.relevant), ("constraint", item.constraint))
            if expression is not None
        }
        if parsed:
            trees[item.code] = parsed
    return {"code": row.code, "version": row.version, "hash": row.content_hash,
            "document": document, "trees": trees}


def device_config(session: Session, kiosk: Kiosk, settings: KioskSettings) -> dict[str, Any]:
    """Return everything the kiosk page needs, as JSON-ready data."""
    unit = session.get(Unit, kiosk.unit_id)
    services = session.scalars(select(Service).where(Service.active.is_(True))).all()
    return {
        "kiosk": {"id": kiosk.id, "name": kiosk.name},
        "unit": {"code": unit.code, "name": {"vi": unit.name_vi, "en": unit.name_en or unit.name_vi}},
        "services": sorted(
            ({"code": s.code, "name": {"vi": s.name_vi, "en": s.name_en or s.name_vi}} for s in services),
            key=lambda s: s["name"]["vi"].casefold(),
        ),
        "settings": asdict(settings),
        "pin": {"salt": kiosk.pin_salt, "hash": kiosk.pin_hash, "iterations": PIN_ITERATIONS},
        "questionnaire": kiosk_form(session),
    }
