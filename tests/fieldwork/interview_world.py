"""A drawn household survey with listed villages, staff, and the forms an enumerator's tablet uses."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from survey.db.fieldwork import FrameUnitRow, SampleSelection
from survey.domain.loader import load_file
from survey.services import accounts, organisation, questionnaires, sampling
from survey.services.sampling_csv import read_frame
from survey.web.database import session_scope
from tests.fieldwork.world import DESIGN, frame_csv

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLD_FILE = Path(__file__).parent / "data" / "household" / "2026.1.yaml"
BACKCHECK_FILE = ROOT / "questionnaires" / "backcheck" / "2026.1.yaml"
PASSWORD = "mat-khau-dai-du-10"
STAFF = {"sup": "supervisor", "enum1": "enumerator", "enum2": "enumerator", "checker": "enumerator"}
SEED = 2026


@dataclass(frozen=True)
class InterviewWorld:
    """The survey code, its listed villages (frame order) and the staff ids."""

    survey: str
    villages: list[str]
    users: dict[str, int]


def build(app, form: Path = HOUSEHOLD_FILE) -> InterviewWorld:
    """Create unit P, staff, the published forms, and survey ``hh`` (questionnaire ``form``, the small
    household form unless given) with three listed, drawn villages."""
    with session_scope(app) as session:
        province = organisation.create_unit(session, code="P", kind="province", name_vi="Tỉnh Mẫu")
        for path in (form, BACKCHECK_FILE):
            q = load_file(path)
            questionnaires.load(session, q)
            questionnaires.publish(session, q.code, q.version)
        users = {name: accounts.create_user(session, username=name, display_name=f"Cán bộ {name}",
                                            password=PASSWORD, role=role, unit_id=province.id).id
                 for name, role in STAFF.items()}
        survey = sampling.create_survey(session, "hh", "Hộ gia đình thử", load_file(form).code, "P")
        sampling.import_frame(session, survey, read_frame(frame_csv()))
        sampling.set_design(session, survey, DESIGN)
        sampling.draw(session, survey, SEED)
        last = len(DESIGN["stages"])
        villages = list(session.scalars(
            select(FrameUnitRow.code).join(SampleSelection, SampleSelection.frame_unit_id == FrameUnitRow.id)
            .where(SampleSelection.survey_id == survey.id, SampleSelection.stage == last)
            .order_by(FrameUnitRow.position)))[:3]
        for code in villages:
            people = [(f"Nguyễn Văn {code}-{i}", f"Số {i}, thôn {code}") for i in range(1, 13)]
            sampling.import_listing(session, survey, code, people)
            sampling.draw_village_respondents(session, survey, code)
    return InterviewWorld("hh", villages, users)


def unlisted_villages(app, world: InterviewWorld) -> list[str]:
    """Return the selected villages of the world's survey that have no listing, in frame order."""
    with session_scope(app) as session:
        survey = sampling.get_survey(session, world.survey)
        return [code for code in session.scalars(
            select(FrameUnitRow.code).join(SampleSelection, SampleSelection.frame_unit_id == FrameUnitRow.id)
            .where(SampleSelection.survey_id == survey.id, SampleSelection.stage == len(DESIGN["stages"]))
            .order_by(FrameUnitRow.position)) if code not in world.villages]


def interview_payload(unit: str, answers: dict, *, minutes: float = 40, supersedes: str | None = None,
                      code: str = "household") -> dict:
    """Return a submission payload of channel interview that took ``minutes``."""
    end = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    payload = {"uuid": str(uuid.uuid4()), "questionnaire": {"code": code, "version": "2026.1"},
               "channel": "interview", "unit": unit, "started_at": (end - dt.timedelta(minutes=minutes)).isoformat(),
               "submitted_at": end.isoformat(), "answers": answers}
    if supersedes:
        payload["supersedes"] = supersedes
    return payload
