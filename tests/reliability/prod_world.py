"""A small production-like world for the production-run tests: units, the kiosk form, a paired kiosk, staff."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from survey.domain.loader import load_file
from survey.services import accounts, kiosks, organisation, questionnaires, units
from survey.web.database import session_scope

KIOSK_FILE = Path(__file__).resolve().parents[2] / "questionnaires" / "kiosk" / "2026.1.yaml"
PASSWORD = "mat-khau-that-dai-24"


@dataclass(frozen=True)
class ProdWorld:
    """What the tests need to send ratings and log in."""

    kiosk_token: str
    unit: str
    username: str


def build_world(app) -> ProdWorld:
    """Create P01 > C01 > S01, publish the kiosk form, pair a kiosk at S01 and add an admin."""
    with session_scope(app) as session:
        province = organisation.create_unit(session, code="P01", kind="province", name_vi="Tỉnh Thử")
        commune = organisation.create_unit(session, code="C01", kind="commune", name_vi="Xã Một",
                                           parent_id=province.id)
        organisation.create_unit(session, code="S01", kind="service_centre", name_vi="Trung tâm",
                                          parent_id=commune.id)
        questionnaires.load(session, load_file(KIOSK_FILE))
        questionnaires.publish(session, "kiosk", "2026.1")
        accounts.create_user(session, username="quantri", display_name="Quản trị", password=PASSWORD,
                             role="admin")
    _, token = pair_kiosk(app, "S01")
    return ProdWorld(token, "S01", "quantri")


def pair_kiosk(app, unit: str) -> tuple[int, str]:
    """Create a kiosk at ``unit`` and pair it; return its id and device token."""
    with session_scope(app) as session:
        code = kiosks.create(session, "Kiosk", units.by_code(session, unit).id, "2468").code
        kiosk, token = kiosks.pair(session, code)
        return kiosk.id, token


def kiosk_rating(unit: str, *, rating: int = 2, phone: str | None = None) -> dict:
    """Return a kiosk rating payload with a fresh uuid (a call-back request when ``phone`` is given)."""
    answers: dict = {"overall_rating": rating}
    if rating <= 3:
        answers["problem_elements"] = ["procedures"]
    if phone is not None:
        answers.update(callback_consent="yes", phone=phone)
    return {
        "uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"}, "channel": "kiosk",
        "unit": unit, "submitted_at": dt.datetime.now(dt.UTC).isoformat(), "answers": answers,
    }
