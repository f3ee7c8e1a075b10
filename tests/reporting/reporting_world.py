"""A province with communes, centres, counters, a merged commune, kiosk ratings and household interviews.

Responses are inserted directly (not through the submission service) so that the tests control every
value; what the tests check is computed again from these raw rows with numpy and the analysis engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from survey.db.fieldwork import (
    FieldSurvey,
    FrameUnitRow,
    ListingMember,
    RespondentDraw,
    ResponseWeight,
    SampleSelection,
)
from survey.db.organisation import Service, Unit, UnitPredecessor
from survey.db.questionnaires import QuestionnaireVersion
from survey.db.responses import Answer, PiiAnswer, Response
from survey.db.volumes import TransactionVolume
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.services import questionnaires
from survey.services.accounts import create_user
from survey.services.reporting import daily

UTC = dt.UTC
SIPAS_ITEMS = ("access_satisfaction", "procedures_satisfaction", "staff_satisfaction",
               "result_satisfaction", "feedback_satisfaction", "overall_satisfaction")
PASSWORD = "mật-khẩu-thử-nghiệm-dài"


@dataclass
class World:
    """Ids of the test world and the secrets that must never reach a public page."""

    units: dict[str, int]
    services: dict[str, int]
    users: dict[str, int]
    comments: list[str]
    phones: list[str]


def _publish(session, code: str) -> int:
    """Load and publish the bundled questionnaire ``code``; return its version id."""
    path = next(p for p in bundled_questionnaire_files() if p.parent.name == code)
    questionnaires.load(session, load_file(path))
    row = questionnaires.publish(session, code, path.stem)
    return row.id


def _response(version_id, channel, unit_id, service_id, day, *, link_kind=None, status="accepted",
              counted=True) -> Response:
    """Return a response submitted at 10:00 local time on ``day``."""
    moment = dt.datetime.combine(day, dt.time(3, 0), tzinfo=UTC)
    key = str(uuid.uuid4())
    return Response(uuid=key, payload_hash=hashlib.sha256(key.encode()).hexdigest(),
                    questionnaire_version_id=version_id, channel=channel, link_kind=link_kind,
                    unit_id=unit_id, service_id=service_id, submitted_at=moment, received_at=moment,
                    local_date=day, status=status, counted=counted, raw_json="{}")


def build(session, seed: int = 7) -> World:
    """Create the world and return its ids."""
    rng = np.random.default_rng(seed)
    province = Unit(code="P01", kind="province", name_vi="Tỉnh Thử Nghiệm", name_en="Test Province")
    communes = {
        "C01": Unit(code="C01", kind="commune", name_vi="Xã An Bình", parent=province),
        "C02": Unit(code="C02", kind="ward", name_vi="Phường Đông Hòa", parent=province),
        "C03": Unit(code="C03", kind="commune", name_vi="Xã Ít Phiếu", parent=province),
    }
    old = Unit(code="X09", kind="commune", name_vi="Xã Cũ Đã Sáp Nhập", valid_to=dt.date(2026, 1, 31))
    units = {"P01": province, "X09": old, **communes}
    for code, commune in communes.items():
        centre = Unit(code=f"{code}-TT", kind="service_centre", name_vi=f"Trung tâm {commune.name_vi}",
                      parent=commune)
        units[centre.code] = centre
        for number in (1, 2):
            counter = Unit(code=f"{code}-Q{number}", kind="counter", name_vi=f"Quầy {number}",
                           parent=centre)
            units[counter.code] = counter
    services = {"KS": Service(code="1.001193", field="ho_tich", name_vi="Đăng ký khai sinh"),
                "CT": Service(code="2.000815", field="chung_thuc", name_vi="Chứng thực bản sao")}
    session.add_all([*units.values(), *services.values()])
    session.flush()
    session.add(UnitPredecessor(unit_id=communes["C02"].id, predecessor_id=old.id,
                                effective_date=dt.date(2026, 2, 1)))
    kiosk_version = _publish(session, "kiosk")
    sipas_version = _publish(session, "sipas")
    comments, phones = [], []
    _kiosk_ratings(session, rng, units, services, kiosk_version, comments, phones)
    _interviews(session, rng, units, sipas_version)
    _volumes(session, units, services)
    users = _users(session, units)
    session.flush()
    daily.rebuild(session)  # rows were inserted directly, not through the submission service
    return World({c: u.id for c, u in units.items()}, {c: s.id for c, s in services.items()},
                 users, comments, phones)


# Share of good faces per counter: clearly different so that rankings and targets are settled.
QUALITY = {"C01": 0.9, "C02": 0.6, "C03": 0.75, "X09": 0.3}
DAYS_Q1 = [dt.date(2026, 1, 5) + dt.timedelta(days=d) for d in range(0, 85, 3)]


def _kiosk_ratings(session, rng, units, services, version_id, comments, phones) -> None:
    """Add kiosk and QR ratings over 2025-Q4 and 2026-Q1 (fewer at C03; X09 until its merger)."""
    plans = []
    for commune in ("C01", "C02", "C03"):
        count = {"C01": 160, "C02": 140, "C03": 12}[commune]
        for number in (1, 2):
            plans.append((commune, units[f"{commune}-Q{number}"].id, count))
    plans.append(("X09", units["X09"].id, 60))
    for commune, unit_id, count in plans:
        for quarter_days in (DAYS_Q1, [d - dt.timedelta(days=91) for d in DAYS_Q1]):
            for position in range(count):
                day = quarter_days[position % len(quarter_days)]
                if commune == "X09" and day >= dt.date(2026, 2, 1):
                    day = dt.date(2026, 1, 20)
                good = rng.random() < QUALITY[commune]
                face = int(rng.choice([4, 5]) if good else rng.choice([1, 2, 3]))
                channel, kind = [("kiosk", None), ("qr", "transaction"), ("qr", "poster")][position % 3]
                status = "flagged" if position % 17 == 0 else "accepted"
                counted = position % 41 != 5
                service = services["KS" if position % 2 else "CT"].id
                response = _response(version_id, channel, unit_id, service, day, link_kind=kind,
                                     status=status, counted=counted)
                response.answers.append(Answer(item_code="overall_rating", seq=0, value_int=face,
                                               score=1.0 if face >= 4 else 0.0))
                if face <= 3:
                    named = ["staff"] if position % 2 else ["procedures", "staff"]
                    for seq, code in enumerate(named):
                        response.answers.append(Answer(item_code="problem_elements", seq=seq,
                                                       value_text=code))
                if face <= 3 and position % 4 == 0:
                    comment = f"Góp ý bí mật số {len(comments)}: chờ quá lâu"
                    comments.append(comment)
                    response.answers.append(Answer(item_code="comment", seq=0, value_text=comment))
                session.add(response)
                if face <= 3 and position % 8 == 0:
                    session.flush()
                    phone = f"09{len(phones):08d}"
                    phones.append(phone)
                    session.add(PiiAnswer(response_id=response.id, item_code="phone", value_text=phone))


def _interviews(session, rng, units, version_id) -> None:
    """Add household SIPAS interviews in 2026-Q1 at C01 (weighted) and C02 (no weights)."""
    level = {"C01": 0.8, "C02": 0.55}
    weighted = []
    for commune, count in (("C01", 70), ("C02", 60)):
        for position in range(count):
            day = DAYS_Q1[position % len(DAYS_Q1)]
            response = _response(version_id, "interview", units[commune].id, None, day)
            if commune == "C01":
                weighted.append((response, position))
            for item_number, item in enumerate(SIPAS_ITEMS):
                if (position + item_number) % 9 == 0:
                    continue
                value = int(rng.choice([4, 5]) if rng.random() < level[commune] - 0.05 * item_number
                            else rng.choice([1, 2, 3]))
                response.answers.append(Answer(item_code=item, seq=0, value_int=value,
                                               score=1.0 if value >= 4 else 0.0))
            session.add(response)
    session.flush()
    _weights(session, units, weighted)


def _weights(session, units, interviews) -> None:
    """Weight C01's interviews as a two-stratum sample of villages (3 PSUs per stratum)."""
    survey = FieldSurvey(code="HH2026", name="Khảo sát hộ 2026", questionnaire_code="sipas",
                         province_unit_id=units["P01"].id, status="drawn")
    session.add(survey)
    session.flush()
    villages = {}
    for number in range(6):
        frame = FrameUnitRow(survey_id=survey.id, position=number, code=f"V{number}",
                             name=f"Thôn {number}", level="village", stratum="AB"[number % 2])
        session.add(frame)
        session.flush()
        selection = SampleSelection(survey_id=survey.id, stage=1, frame_unit_id=frame.id,
                                    stratum="AB"[number % 2], size=100.0, probability=0.2,
                                    overall_probability=0.2, group_units=10, group_selected=3,
                                    group_size=1000.0)
        session.add(selection)
        session.flush()
        villages[number] = selection
    for order, (response, position) in enumerate(interviews):
        selection = villages[position % 6]
        member = ListingMember(selection_id=selection.id, position=order)
        session.add(member)
        session.flush()
        draw = RespondentDraw(selection_id=selection.id, member_id=member.id, draw_order=order,
                              role="main", probability=0.01, status="completed",
                              response_uuid=response.uuid)
        session.add(draw)
        session.flush()
        weight = 80.0 + 40.0 * (position % 3) + (60.0 if position % 2 else 0.0)
        session.add(ResponseWeight(
            response_id=response.id, survey_id=survey.id, draw_id=draw.id, probability=1 / weight,
            base_weight=weight, nonresponse_weight=weight, calibrated_weight=weight,
            final_weight=weight, adjustment_class="all", strata="AB"[position % 6 % 2],
            psu=f"V{position % 6}"))


def _volumes(session, units, services) -> None:
    """Add transaction volumes at the service centres for every day of 2026-Q1."""
    for commune in ("C01", "C02", "C03"):
        for day in (dt.date(2026, 1, 1) + dt.timedelta(days=d) for d in range(90)):
            for code, service in services.items():
                session.add(TransactionVolume(unit_id=units[f"{commune}-TT"].id, service_id=service.id,
                                              day=day, processed=4 if code == "KS" else 3))


def _users(session, units) -> dict[str, int]:
    """Create an analyst for the province, a manager of C01, an analyst of C02 and an enumerator."""
    ids = {}
    for name, role, unit in (("analyst", "analyst", "P01"), ("manager", "unit_manager", "C01"),
                             ("analyst2", "analyst", "C02"), ("enum", "enumerator", "C01"),
                             ("admin", "admin", None)):
        user = create_user(session, username=name, display_name=name.title(), password=PASSWORD,
                           role=role, unit_id=units[unit].id if unit else None)
        ids[name] = user.id
    return ids


def version_ids(session, code: str) -> list[int]:
    """Return the ids of the stored versions of questionnaire ``code``."""
    return list(session.scalars(select(QuestionnaireVersion.id).where(QuestionnaireVersion.code == code)))


def json_dump(value) -> str:
    """Return compact JSON (for debugging failed tests)."""
    return json.dumps(value, ensure_ascii=False, default=str)
