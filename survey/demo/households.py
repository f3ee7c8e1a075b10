"""PAPI-style interviews of the drawn respondents (survey/demo/sample.py), about twenty per village.

Answers walk the questionnaire in order like the tablet does: an item is answered only when its
``relevant`` expression holds for the answers so far, and a drawn answer that breaks the item's
``constraint`` is drawn again. Scored answers lean towards better governance in communes that serve
citizens well (a household-level "governance experience" on the logit scale), so the PAPI scores
differ between communes; a few optional answers are left blank, as "don't know" is.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid

import numpy as np

from survey.demo.sample import Outcome, SampledVillage
from survey.demo.submitting import Outgoing
from survey.domain.answer_values import AnswerProblem, read_value
from survey.domain.expressions import evaluate, truthy
from survey.domain.model import Item, Questionnaire
from survey.domain.periods import LOCAL_ZONE

INTERVIEWS_PER_VILLAGE = 20
FIELDWORK_START = 75  # days before today
FIELDWORK_DAYS = 21
DONT_KNOW = 0.04
REVISED = 0.02  # share of interviews a supervisor sends back and the enumerator revises
MAX_DRAWS = 50
REFUSED, NONCONTACT = 0.05, 0.03  # visits that end without an interview, so a replacement is used


class GenerationError(RuntimeError):
    """No answer that satisfies an item's constraint could be drawn."""


def per_village(scale: float) -> int:
    """Return the interviews wanted per village (the quota) at ``scale``."""
    return max(1, round(INTERVIEWS_PER_VILLAGE * scale))


def plan(questionnaire: Questionnaire, villages: list[SampledVillage], device_tokens: dict[str, str],
         today: dt.date, scale: float, rng: np.random.Generator) -> tuple[list[Outgoing], list[Outcome]]:
    """Generate the interviews (and a few revisions) of the drawn respondents, and every visit's outcome.

    Respondents are visited in draw order: the main sample, then a replacement for each refusal or
    no contact, until the village's quota of interviews is reached.
    """
    quota = per_village(scale)
    bits = random.Random(int(rng.integers(2**62)))
    start = today - dt.timedelta(days=FIELDWORK_START)
    outgoing, outcomes = [], []
    teams: dict[str, dt.datetime] = {}
    for village in villages:
        # One team (one tablet) per commune visits its villages one after another.
        moment = teams.get(village.place.spec.code) or _first_visit(start, rng)
        token = device_tokens[village.place.spec.code]
        completed = 0
        for order, (draw_id, role) in enumerate(village.draws, start=1):
            if completed == quota:
                break
            roll = rng.random()
            if roll < REFUSED + NONCONTACT:
                outcomes.append(Outcome(draw_id, "refused" if roll < REFUSED else "noncontact"))
                continue
            theta = 0.6 * village.place.spec.quality + rng.normal(0.0, 0.7)
            respondent = {"draw_id": draw_id, "role": role, "order": order}
            payload = _payload(questionnaire, village, respondent, theta, moment, bits, rng)
            outgoing.append(Outgoing(payload, token, _synced(moment)))
            final = payload["uuid"]
            if rng.random() < REVISED:
                later = moment + dt.timedelta(days=1, hours=2, seconds=17)  # off the minute grid
                revision = _payload(questionnaire, village, respondent, theta, later, bits, rng)
                revision["supersedes"] = payload["uuid"]
                final = revision["uuid"]
                outgoing.append(Outgoing(revision, token, _synced(later)))
            outcomes.append(Outcome(draw_id, "completed", final))
            completed += 1
            moment = _next_visit(moment, rng)
        teams[village.place.spec.code] = _next_morning(moment)
    return sorted(outgoing, key=lambda o: o.received_at), outcomes


def _first_visit(start: dt.date, rng: np.random.Generator) -> dt.datetime:
    """Return when a commune's team starts: one of the first days of fieldwork at 8:00 local time."""
    day = start + dt.timedelta(days=int(rng.integers(0, FIELDWORK_DAYS // 3)))
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=LOCAL_ZONE)


def _next_visit(moment: dt.datetime, rng: np.random.Generator) -> dt.datetime:
    """Return the time of the next interview: 40-70 minutes later, or the next morning after 18:00."""
    later = moment + dt.timedelta(minutes=int(rng.integers(40, 71)))
    return _next_morning(later) if later.hour >= 18 else later


def _next_morning(moment: dt.datetime) -> dt.datetime:
    """Return 8:00 local time on the day after ``moment``."""
    return dt.datetime.combine(moment.date() + dt.timedelta(days=1), dt.time(8, 0), tzinfo=LOCAL_ZONE)


def _synced(moment: dt.datetime) -> dt.datetime:
    """Return when the tablet syncs an interview: that evening at 20:00 (offline in the field)."""
    evening = dt.datetime.combine(moment.date(), dt.time(20, 0), tzinfo=LOCAL_ZONE)
    return max(evening, moment + dt.timedelta(minutes=1)).astimezone(dt.UTC)


def _payload(questionnaire, village, respondent, theta, moment, bits, rng) -> dict:
    """Build one interview payload."""
    duration = dt.timedelta(minutes=int(rng.integers(30, 55)))
    return {
        "uuid": str(uuid.UUID(int=bits.getrandbits(128), version=4)),
        "questionnaire": {"code": questionnaire.code, "version": questionnaire.version},
        "channel": "interview",
        "unit": village.place.spec.code,
        "started_at": (moment - duration).isoformat(),
        "submitted_at": moment.isoformat(),
        "answers": answer(questionnaire, theta, rng, moment.date()),
        "paradata": {"village": village.code, "village_name": village.name, "respondent": respondent},
    }


def answer(questionnaire: Questionnaire, theta: float, rng: np.random.Generator,
           today: dt.date) -> dict:
    """Answer every relevant item in order; scored choices lean towards good governance with ``theta``."""
    answers: dict = {}
    values: dict = {}
    for item in questionnaire.items:
        if item.relevant is not None and not truthy(evaluate(item.relevant.tree, values)):
            continue
        if not item.required and (item.pii or rng.random() < DONT_KNOW or _skipped_text(item, rng)):
            continue
        raw, value = _draw_valid(item, values, theta, rng, today)
        if raw is not None:
            answers[item.code], values[item.code] = raw, value
    return answers


def _skipped_text(item: Item, rng: np.random.Generator) -> bool:
    """Leave most optional free-text items blank, as respondents do."""
    return item.type == "text" and rng.random() < 0.8


def _draw_valid(item: Item, values: dict, theta: float, rng, today: dt.date):
    """Draw an answer until it is valid; return (raw JSON answer, read value) or (None, None)."""
    for _ in range(MAX_DRAWS):
        raw = _draw(item, theta, rng, today)
        value = read_value(item, raw)
        if isinstance(value, AnswerProblem):
            raise GenerationError(f"{item.code}: drew an invalid answer {raw!r}: {value.message_en}")
        if item.constraint is None or truthy(evaluate(item.constraint.tree, values, current=value)):
            return raw, value
    if item.required:
        raise GenerationError(f"{item.code}: no answer satisfying its constraint in {MAX_DRAWS} draws")
    return None, None


def _draw(item: Item, theta: float, rng: np.random.Generator, today: dt.date):
    """Draw one raw answer of the item's type."""
    if item.type in ("likert5", "choice", "yes_no"):
        options = list(item.choice_values())
        return options[_weighted_index(item, options, theta, rng)]
    if item.type == "multi_choice":
        options = list(item.choice_values())
        size = int(rng.integers(1, min(3, len(options)) + 1))
        picked = sorted(rng.choice(len(options), size=size, replace=False))
        return [options[i] for i in picked]
    if item.type in ("integer", "decimal"):
        low = item.min if item.min is not None else 0
        high = item.max if item.max is not None else low + 10
        if item.type == "integer":
            return int(rng.integers(math.ceil(low), math.floor(high) + 1))
        return round(float(rng.uniform(low, high)), 1)
    if item.type == "date":
        return (today - dt.timedelta(days=int(rng.integers(0, 365)))).isoformat()
    return "Không có ý kiến thêm."


def _weighted_index(item: Item, options: list, theta: float, rng: np.random.Generator) -> int:
    """Pick an option; with a score, weight exp(2 theta (x - 1/2)) where x in [0, 1] is its score."""
    if item.score is None:
        return int(rng.integers(len(options)))
    weights = []
    for option in options:
        score = item.score.apply(option)
        x = 0.5 if score is None else (score if item.score.is_binary else (score - 1.0) / 9.0)
        weights.append(math.exp(2.0 * theta * (x - 0.5)))
    weights = np.array(weights)
    return int(rng.choice(len(options), p=weights / weights.sum()))
