"""The demo's household sample, drawn through the real sampling services.

Frame (the province, its communes, six to twelve villages in each with made-up populations) →
design (every commune, three villages per commune by systematic PPS, respondents by simple random
sampling with replacements) → draw with a recorded seed → village listings of households (made-up,
generic names, stored as personal data like any listing) → respondent draws. After the interviews
the visit outcomes are recorded and the weights computed, so the demo's inclusion probabilities and
weights are real.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from survey.demo.province import PROVINCE_CODE, PROVINCE_NAME, Place
from survey.domain.sampling_design import FrameUnit
from survey.services import fieldwork, sampling
from survey.services.weights import compute_weights

SURVEY_CODE = "papi-demo"
SURVEY_NAME = "PAPI Tỉnh Minh Họa (dữ liệu minh họa)"
VILLAGES_IN_FRAME = (6, 13)  # villages per commune in the frame, upper bound excluded
VILLAGES_DRAWN = 3
SPARE = 5  # replacements drawn per village
PERSONS_PER_HOUSEHOLD = 4
VILLAGE_WORDS = ("Thôn", "Tổ dân phố")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
GIVEN = ("An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Thảo")


@dataclass(frozen=True)
class SampledVillage:
    """A selected village with its respondent draws (id, role) in draw order."""

    code: str
    name: str
    place: Place
    draws: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Outcome:
    """The visit outcome of one respondent draw (a completed one names its response)."""

    draw_id: int
    status: str
    response_uuid: str | None = None


def build(session: Session, places: list[Place], per_village: int, enumerator: str,
          rng: np.random.Generator) -> list[SampledVillage]:
    """Create the survey, draw it, list the selected villages, draw respondents, assign the villages."""
    survey = sampling.create_survey(session, SURVEY_CODE, SURVEY_NAME, "papi", PROVINCE_CODE)
    sampling.import_frame(session, survey, frame(places, rng))
    sampling.set_design(session, survey, {
        "stages": [{"level": "commune", "n": len(places), "certainty": "none"},
                   {"level": "village", "n": VILLAGES_DRAWN, "certainty": "none"}],
        "respondents": {"method": "simple", "drawn": per_village + SPARE, "quota": per_village}})
    sampling.draw(session, survey, int(rng.integers(2**62)))
    by_code = {place.spec.code: place for place in places}
    sampled = []
    for row in (r for r in sampling.sample_units(session, survey) if r["level"] == "village"):
        sampling.import_listing(session, survey, row["code"], _households(row["name"], row["size"], rng))
        draws = sampling.draw_village_respondents(session, survey, row["code"])
        sampled.append(SampledVillage(row["code"], row["name"], by_code[row["selected_parent"]],
                                      tuple((d.id, d.role) for d in draws)))
    fieldwork.assign(session, SURVEY_CODE, [village.code for village in sampled], enumerator)
    return sampled


def finish(session: Session, outcomes: list[Outcome]) -> None:
    """Record the visit outcomes and compute the survey's weights."""
    for outcome in outcomes:
        sampling.record_outcome(session, outcome.draw_id, outcome.status, outcome.response_uuid)
    compute_weights(session, sampling.get_survey(session, SURVEY_CODE))


def frame(places: list[Place], rng: np.random.Generator) -> list[FrameUnit]:
    """Return the frame: the province, its communes, and their villages with populations."""
    units = [FrameUnit(PROVINCE_CODE, PROVINCE_NAME[0], None, "province")]
    for place in places:
        urban = place.spec.kind == "ward"
        units.append(FrameUnit(place.spec.code, place.spec.name_vi, PROVINCE_CODE, "commune", urban=urban))
        word = VILLAGE_WORDS[urban]
        for n in range(1, int(rng.integers(*VILLAGES_IN_FRAME)) + 1):
            population = float(rng.integers(300, 1600))
            units.append(FrameUnit(f"{place.spec.code}-T{n:02d}", f"{word} {n}", place.spec.code, "village",
                                   population, population // PERSONS_PER_HOUSEHOLD, urban))
    return units


def _households(village: str, population: float, rng: np.random.Generator) -> list[tuple]:
    """Return a village's made-up household listing: (head's name, address, size, phone)."""
    count = int(population // PERSONS_PER_HOUSEHOLD)
    return [(f"{SURNAMES[int(rng.integers(len(SURNAMES)))]} Văn {GIVEN[int(rng.integers(len(GIVEN)))]}",
             f"Xóm {1 + n % 5}, {village}", int(rng.integers(1, 8)), None) for n in range(count)]

