"""SQL aggregation first: counts per (group, rating) for ratings, item scores per response for surveys.

Kiosk and QR ratings are summarised by the database (``GROUP BY group, rating``), so the work after
the query grows with the number of groups, not of ratings. Household responses are read as one score
per (response, item): until the household survey stores weights and primary sampling units each
response is its own sampling unit with equal weight, and these per-response sums are the per-PSU
sufficient statistics of analysis/aggregates.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.db.questionnaires import QuestionnaireVersion
from survey.db.responses import Answer, Response
from survey.services.reporting.filters import Filters, response_conditions
from survey.services.reporting.reach import Reach
from survey.services.reporting.structure import IndexStructure

#: What ratings and scores can be grouped by.
GROUP_COLUMNS = {"unit": Response.unit_id, "service": Response.service_id}


@dataclass(frozen=True)
class ScoreMatrix:
    """Item scores of the selected responses: one row per response, NaN where not answered."""

    values: np.ndarray
    unit_ids: np.ndarray
    service_ids: np.ndarray

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
    """Return {(group id, rating): count} for the index's rated item, grouped in SQL by ``by``."""
    group = GROUP_COLUMNS[by]
    query = (
        select(group, Answer.value_int, func.count())
        .join(Answer, Answer.response_id == Response.id)
        .where(Answer.item_code == structure.rating_item, Answer.value_int.is_not(None),
               *_where(session, filters, reach, structure))
        .group_by(group, Answer.value_int)
    )
    return {(key, rating): int(count) for key, rating, count in session.execute(query)}


def score_matrix(session: Session, filters: Filters, reach: Reach,
                 structure: IndexStructure) -> ScoreMatrix:
    """Return the scores of the index's items for every selected response."""
    column = {code: position for position, code in enumerate(structure.items)}
    query = (
        select(Response.id, Response.unit_id, Response.service_id, Answer.item_code, Answer.score)
        .join(Answer, Answer.response_id == Response.id)
        .where(Answer.item_code.in_(structure.items), Answer.score.is_not(None),
               *_where(session, filters, reach, structure))
    )
    rows: dict[int, dict[int, float]] = defaultdict(dict)
    units, services = {}, {}
    for response_id, unit_id, service_id, item_code, score in session.execute(query):
        rows[response_id][column[item_code]] = score
        units[response_id] = unit_id
        services[response_id] = service_id
    order = sorted(rows)
    values = np.full((len(order), len(structure.items)), np.nan)
    for position, response_id in enumerate(order):
        for item, score in rows[response_id].items():
            values[position, item] = score
    return ScoreMatrix(
        values,
        np.array([units[r] for r in order], dtype=np.int64),
        np.array([-1 if services[r] is None else services[r] for r in order], dtype=np.int64),
    )
