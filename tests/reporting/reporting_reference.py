"""Independent reference values: raw rows read back, filtered in Python, computed with numpy.

Nothing here calls survey.services.reporting. Kiosk shares use the closed-form Wilson interval; survey
indices go straight to the analysis engine (sipas_spec, estimate_index) on a matrix built here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats
from sqlalchemy import select

from analysis.design import Design
from analysis.indices import estimate_index, sipas_spec
from survey.db.fieldwork import ResponseWeight
from survey.db.organisation import Unit, UnitPredecessor
from survey.db.questionnaires import QuestionnaireVersion
from survey.db.responses import Answer, Response

ELEMENTS = {"access": "access_satisfaction", "procedures": "procedures_satisfaction",
            "staff": "staff_satisfaction", "result": "result_satisfaction",
            "feedback": "feedback_satisfaction"}


@dataclass(frozen=True)
class Raw:
    """Every stored response with its answers, as plain Python values."""

    responses: list[dict]
    answers: dict[int, dict[str, dict]]
    choices: dict[int, dict[str, list[str]]]
    parents: dict[int, int | None]
    weights: dict[int, tuple[float, str, str]]
    predecessors: list[tuple[int, int, dt.date]]
    codes: dict[str, int]


def read_raw(session) -> Raw:
    """Read every response, answer, unit and merger."""
    versions = dict(session.execute(select(QuestionnaireVersion.id, QuestionnaireVersion.code)).all())
    responses = [
        {"id": r.id, "unit_id": r.unit_id, "service_id": r.service_id, "channel": r.channel,
         "link_kind": r.link_kind, "day": r.local_date, "status": r.status, "counted": r.counted,
         "questionnaire": versions[r.questionnaire_version_id]}
        for r in session.execute(select(Response)).scalars()
    ]
    answers: dict[int, dict[str, dict]] = {}
    choices: dict[int, dict[str, list[str]]] = {}
    for a in session.execute(select(Answer)).scalars():
        answers.setdefault(a.response_id, {})[a.item_code] = {"int": a.value_int, "score": a.score,
                                                              "text": a.value_text}
        choices.setdefault(a.response_id, {}).setdefault(a.item_code, []).append(a.value_text)
    weights = {w.response_id: (w.final_weight, f"{w.survey_id}/{w.strata}", w.psu)
               for w in session.execute(select(ResponseWeight)).scalars()}
    units = session.execute(select(Unit.id, Unit.parent_id, Unit.code)).all()
    links = session.execute(select(UnitPredecessor.unit_id, UnitPredecessor.predecessor_id,
                                   UnitPredecessor.effective_date)).all()
    return Raw(responses, answers, choices, {u.id: u.parent_id for u in units}, weights,
               [tuple(link) for link in links],
               {u.code: u.id for u in units})


def channel_of(response: dict) -> str:
    """Return the analyst's channel name of a response."""
    if response["channel"] == "qr":
        return f"qr_{response['link_kind']}"
    return response["channel"]


def counts_for(raw: Raw, response: dict, root: int) -> int | None:
    """Return the child of ``root`` (or root) that a response counts for, or None outside it."""
    unit = response["unit_id"]
    for successor, predecessor, effective in raw.predecessors:
        if unit == predecessor:
            if response["day"] >= effective:
                return None
            unit = successor
    path = [unit]
    while raw.parents.get(path[-1]) is not None:
        path.append(raw.parents[path[-1]])
    if root not in path:
        return None
    position = path.index(root)
    return root if position == 0 else path[position - 1]


def select_responses(raw: Raw, questionnaire: str, start: dt.date, end: dt.date, root: int,
                     channels: tuple[str, ...], include_flagged: bool = True) -> list[tuple[dict, int]]:
    """Return (response, child of root) for the responses a report of these filters counts."""
    chosen = []
    for response in raw.responses:
        if response["questionnaire"] != questionnaire or not response["counted"]:
            continue
        if not start <= response["day"] < end or channel_of(response) not in channels:
            continue
        if not include_flagged and response["status"] != "accepted":
            continue
        child = counts_for(raw, response, root)
        if child is not None:
            chosen.append((response, child))
    return chosen


def wilson(x: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """Return p, and the Wilson interval in closed form (Wilson 1927)."""
    z = stats.norm.ppf(0.5 + level / 2)
    p = x / n
    centre = (x + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(x * (n - x) / n + z * z / 4)
    return p, centre - half, centre + half


def kiosk_shares(raw: Raw, chosen: list[tuple[dict, int]]) -> dict:
    """Return {child: (x, n)} and {'total': (x, n)} of ratings 4 and 5 among the chosen responses."""
    result: dict = {}
    for response, child in chosen:
        rating = raw.answers[response["id"]]["overall_rating"]["int"]
        for key in (child, "total"):
            x, n = result.get(key, (0, 0))
            result[key] = (x + (rating >= 4), n + 1)
    return result


def survey_design(raw: Raw, responses: list[dict]) -> Design:
    """Return the design of the chosen interviews: their weights, strata and PSUs when all have
    them (PSUs with replacement, lonely PSUs 'adjust'), else equal weights with one PSU per row."""
    known = [raw.weights.get(response["id"]) for response in responses]
    if not known or any(value is None for value in known):
        return Design(n=len(responses))
    weights, strata, psus = zip(*known)
    return Design(weights=np.array(weights), strata=np.array(strata), clusters=[np.array(psus)],
                  lonely_psu="adjust")


def sipas_estimates(raw: Raw, chosen: list[tuple[dict, int]]) -> dict:
    """Return {key: IndexResult} for the total and every child, through the analysis engine."""
    rows = [(response, child) for response, child in chosen
            if any(item in raw.answers.get(response["id"], {}) for item in ELEMENTS.values())]
    elements = {}
    for element, item in ELEMENTS.items():
        values = []
        for response, _ in rows:
            answer = raw.answers[response["id"]].get(item)
            values.append(np.nan if answer is None or answer["score"] is None else answer["score"])
        elements[element] = {item: np.array(values, dtype=float)}
    spec = sipas_spec(elements, name="sipas")
    design = survey_design(raw, [response for response, _ in rows])
    children = np.array([child for _, child in rows])
    result = {"total": estimate_index(design, spec)}
    for child in sorted(set(children.tolist())):
        result[child] = estimate_index(design, spec, domain=children == child)
    return result
