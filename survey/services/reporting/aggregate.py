"""SQL aggregation first: counts per (group, rating) for ratings, item scores per response for surveys.

Kiosk and QR ratings are summarised by the database from the daily rating counts (``GROUP BY group,
rating`` over rows per day and cell, see daily.py), so neither the query nor the work after it grows
with the number of ratings. Household responses are read as one score
per (response, item), with the weight, stratum and primary sampling unit the household survey's
weighting stored for the response (``response_weights``); household samples hold thousands of
respondents, not millions, so the design-based estimation runs on these rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.fieldwork import ResponseWeight
from survey.db.questionnaires import QuestionnaireVersion
from survey.db.responses import Answer, Response
from survey.services.reporting import daily
from survey.services.reporting.filters import Filters, response_conditions
from survey.services.reporting.reach import Reach
from survey.services.reporting.structure import IndexStructure


@dataclass(frozen=True)
class ScoreMatrix:
    """Item scores of the selected responses: one row per response, NaN where not answered.

    ``weights``, ``strata`` and ``psus`` are given only when every response has design weights
    (household survey weighting); ``weighted`` counts the responses that have them.
    """

    values: np.ndarray
    unit_ids: np.ndarray
    service_ids: np.ndarray
    weighted: int = 0
    #: The stored channels (kiosk, qr, web, interview) the responses came through.
    channels: frozenset[str] = frozenset()
    weights: np.ndarray | None = None
    strata: np.ndarray | None = None
    psus: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Return the number of responses."""
        return int(self.values.shape[0])


def _versions(session: Session, structure: IndexStructure) -> list[int]:
    """Return the ids of every stored version of the index's questionnaire."""
    return list(session.scalars(select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.code == structure.kind.questionnaire)))


def _where(session: Session, filters: Filters, reach: Reach, structure: IndexStructure) -> list:
    """Return every condition on the responses of a report."""
    return [reach.condition(), Response.questionnaire_version_id.in_(_versions(session, structure)),
            *response_conditions(filters)]


def rating_counts(session: Session, filters: Filters, reach: Reach, structure: IndexStructure,
                  by: str) -> dict[tuple[int | None, int], int]:
    """Return {(group id, rating): count} for the index's rated item, from the daily counts, by ``by``."""
    return daily.rating_counts(session, filters, reach, _versions(session, structure), structure.rating_item, by)


def score_matrix(session: Session, filters: Filters, reach: Reach,
                 structure: IndexStructure) -> ScoreMatrix:
    """Return the scores of the index's items for every selected response."""
    column = {code: position for position, code in enumerate(structure.items)}
    query = (
        select(Response.id, Response.unit_id, Response.service_id, Response.channel,
               Answer.item_code, Answer.score, ResponseWeight.final_weight, ResponseWeight.survey_id, ResponseWeight.strata,
               ResponseWeight.psu)
        .join(Answer, Answer.response_id == Response.id)
        .outerjoin(ResponseWeight, ResponseWeight.response_id == Response.id)
        .where(Answer.item_code.in_(structure.items), Answer.score.is_not(None),
               *_where(session, filters, reach, structure))
    )
    rows: dict[int, dict[int, float]] = defaultdict(dict)
    units, services, designs, channels = {}, {}, {}, set()
    for response_id, unit_id, service_id, channel, item_code, score, *design in session.execute(query):
        channels.add(channel)
        rows[response_id][column[item_code]] = score
        units[response_id] = unit_id
        services[response_id] = service_id
        designs[response_id] = design
    order = sorted(rows)
    values = np.full((len(order), len(structure.items)), np.nan)
    for position, response_id in enumerate(order):
        for item, score in rows[response_id].items():
            values[position, item] = score
    weighted = sum(designs[r][0] is not None for r in order)
    matrix = ScoreMatrix(
        values,
        np.array([units[r] for r in order], dtype=np.int64),
        np.array([-1 if services[r] is None else services[r] for r in order], dtype=np.int64),
        weighted,
        frozenset(channels),
    )
    if not order or weighted < len(order):
        return matrix
    # Strata are labelled within their survey, so two surveys' strata never merge.
    return replace(
        matrix,
        weights=np.array([designs[r][0] for r in order], dtype=float),
        strata=np.array([f"{designs[r][1]}/{designs[r][2]}" for r in order]),
        psus=np.array([designs[r][3] for r in order]),
    )
