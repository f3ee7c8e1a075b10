"""A small province frame, its design, and interviews stored directly as responses."""

from __future__ import annotations

import datetime as dt
import uuid

from survey.db.organisation import Unit
from survey.db.questionnaires import QuestionnaireVersion
from survey.db.responses import Answer, Response
from survey.services import sampling
from survey.services.sampling_csv import read_frame

# District -> commune -> village populations; D1 is the capital, every first commune the seat.
SIZES = {
    "D1": [[400, 300, 300], [200, 100, 100], [150, 150, 100]],
    "D2": [[120, 80, 100], [90, 60, 50], [70, 30, 100]],
    "D3": [[200, 100, 100], [60, 60, 80], [50, 50, 100]],
    "D4": [[100, 100, 100], [40, 40, 20], [90, 90, 120]],
    "D5": [[80, 80, 40], [30, 30, 40], [60, 60, 80]],
}
DESIGN = {"stages": [
    {"level": "district", "n": 3},
    {"level": "commune", "n": 2},
    {"level": "village", "n": 1, "certainty": "none"},
], "respondents": {"method": "simple", "drawn": 8, "quota": 6}}


def frame_csv() -> bytes:
    """Return the frame as a CSV file."""
    lines = ["code,name,parent_code,level,population,households,urban,certainty,stratum",
             "P,Tỉnh Mẫu,,province,,,,0,"]
    for district, communes in SIZES.items():
        lines.append(f"{district},Huyện {district},P,district,,,,{int(district == 'D1')},")
        for c, villages in enumerate(communes, start=1):
            commune = f"{district}C{c}"
            lines.append(f"{commune},Xã {commune},{district},commune,,,,{int(c == 1)},")
            for v, size in enumerate(villages, start=1):
                urban = "urban" if district == "D1" else "rural"
                lines.append(f"{commune}V{v},Thôn {v},{commune},village,{size},{size // 4},{urban},0,")
    return "\n".join(lines).encode()


def village_population(code: str) -> int:
    """Return a village's population from SIZES."""
    district, rest = code[:2], code[2:]
    commune, village = rest.split("V")
    return SIZES[district][int(commune[1:]) - 1][int(village) - 1]


def drawn_survey(session, seed: int = 2026):
    """Create, frame, design and draw the survey ``papi-test``; return it."""
    survey = sampling.create_survey(session, "papi-test", "PAPI thử", "papi")
    sampling.import_frame(session, survey, read_frame(frame_csv()))
    sampling.set_design(session, survey, DESIGN)
    sampling.draw(session, survey, seed)
    return survey


def respondent_world(session):
    """Return a questionnaire version id and unit id that interviews can reference."""
    version = QuestionnaireVersion(code="papi", version="t", family="papi", title_vi="PAPI",
                                   document="{}", content_hash="0" * 64)
    unit = Unit(code="P", kind="province", name_vi="Tỉnh Mẫu")
    session.add_all([version, unit])
    session.flush()
    return version.id, unit.id


def store_interview(session, version_id: int, unit_id: int, answers: dict) -> str:
    """Store one interview response with ``answers`` and return its UUID."""
    now = dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC)
    response = Response(uuid=str(uuid.uuid4()), payload_hash="0" * 64, questionnaire_version_id=version_id,
                        channel="interview", unit_id=unit_id, submitted_at=now, local_date=now.date(),
                        raw_json="{}")
    session.add(response)
    session.flush()
    for item, value in answers.items():
        column = "value_int" if isinstance(value, int) else "value_text"
        session.add(Answer(response_id=response.id, item_code=item, **{column: value}))
    return response.uuid
