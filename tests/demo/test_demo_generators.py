"""The demo generators without a database: validity against the questionnaires, determinism, and the
patterns they promise (checked against the closed forms of the generating model)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict

import numpy as np
import pytest

from survey.demo import households, ratings
from survey.demo.province import COMMUNES, OPENING_HOURS, Place
from survey.demo.sample import SampledVillage
from survey.demo.services import SERVICES
from survey.domain.answers import check_answers
from survey.domain.loader import load_file
from survey.domain.periods import LOCAL_ZONE
from survey.resources import bundled_questionnaire_files

TODAY = dt.date(2026, 11, 23)
PLACES = [
    Place(spec, n, f"{spec.code}-TT", tuple(f"{spec.code}-Q{k}" for k in range(1, spec.counters + 1)),
          tuple(range(100 * n, 100 * n + spec.counters)))
    for n, spec in enumerate(COMMUNES, start=1)
]
TOKENS = {code: f"token-{code}" for place in PLACES for code in place.counter_codes}


def _bundled(code: str):
    """Return the bundled questionnaire ``code``."""
    return next(load_file(p) for p in bundled_questionnaire_files() if p.parent.name == code)


@pytest.fixture(scope="module")
def plan():
    """Plan a fifth of the full year of ratings."""
    return ratings.plan(PLACES, TOKENS, TODAY, 0.2, np.random.default_rng(7))


def _local(payload: dict) -> dt.datetime:
    """Return the local submission time of a payload."""
    return dt.datetime.fromisoformat(payload["submitted_at"]).astimezone(LOCAL_ZONE)


def test_every_rating_passes_the_kiosk_questionnaire(plan):
    kiosk = _bundled("kiosk")
    assert 8_000 < len(plan.outgoing) < 12_000
    for item in plan.outgoing:
        check_answers(kiosk, item.payload["answers"])
    answers = [o.payload["answers"] for o in plan.outgoing]
    low = [a for a in answers if a["overall_rating"] <= 3]
    assert low and all(a.get("problem_elements") for a in low)
    assert not any("problem_elements" in a for a in answers if a["overall_rating"] >= 4)
    assert any("phone" in a for a in answers) and any("comment" in a for a in low)


def test_ratings_fall_in_opening_hours_and_have_a_morning_peak(plan):
    hours = defaultdict(int)
    for item in plan.outgoing:
        local = _local(item.payload)
        day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[local.weekday()]
        clock = local.strftime("%H:%M")
        assert any(start <= clock <= end for start, end in OPENING_HOURS.get(day, [])), local
        assert local.date() not in ratings.HOLIDAYS and TODAY - dt.timedelta(days=365) < local.date() <= TODAY
        hours[local.hour] += 1
    assert hours[9] > 1.5 * hours[14] and hours[9] > hours[16]


def test_weekday_volumes_follow_the_factors(plan):
    by_weekday = Counter(row.day.weekday() for row in plan.volumes for _ in range(row.processed))
    totals = [sum(r.processed for r in plan.volumes if r.day.weekday() == w) for w in range(7)]
    assert by_weekday[6] == 0 and totals[6] == 0
    assert totals[0] > totals[4] > totals[5] > 0


def test_coverage_and_satisfaction_match_the_model(plan):
    rated = Counter(o.payload["unit"].rsplit("-Q", 1)[0] for o in plan.outgoing)
    processed = Counter()
    for row in plan.volumes:
        processed[row.unit_code.removesuffix("-TT")] += row.processed
    for place in PLACES:
        code = place.spec.code
        share = rated[code] / processed[code]
        assert abs(share - place.spec.coverage) < 0.02 + 3 * math.sqrt(place.spec.coverage / processed[code])
        assert 0.3 <= share <= 0.7
    # Expected share satisfied (faces 4 and 5) of each rating under the ordered logit: 1 - F(c3 - mu).
    quality = {p.spec.code: p.spec for p in PLACES}
    effect = {s.code: s.effect for s in SERVICES}
    observed, expected, variance = Counter(), Counter(), Counter()
    first = TODAY - dt.timedelta(days=ratings.DAYS - 1)
    for item in plan.outgoing:
        spec = quality[item.payload["unit"].rsplit("-Q", 1)[0]]
        t = (_local(item.payload).date() - first).days / (ratings.DAYS - 1)
        mu = ratings.BASE_LOCATION + spec.quality + spec.trend * (t - 0.5) + effect[item.payload["service"]]
        p = 1 - 1 / (1 + math.exp(-(ratings.CUTPOINTS[2] - mu)))
        observed[spec.code] += item.payload["answers"]["overall_rating"] >= 4
        expected[spec.code] += p
        variance[spec.code] += p * (1 - p)
    for code in observed:
        assert abs(observed[code] - expected[code]) < 4 * math.sqrt(variance[code]) + 3
    share = {code: observed[code] / rated[code] for code in observed}
    assert share["MH-02"] > share["MH-03"] + 0.05 and share["MH-03"] > share["MH-04"] + 0.2


def test_the_improving_unit_improves(plan):
    first_quarter, last_quarter = [], []
    start = TODAY - dt.timedelta(days=ratings.DAYS - 1)
    for item in plan.outgoing:
        if item.payload["unit"].startswith("MH-05-"):
            days = (_local(item.payload).date() - start).days
            bucket = first_quarter if days < 91 else last_quarter if days >= 274 else None
            if bucket is not None:
                bucket.append(item.payload["answers"]["overall_rating"] >= 4)
    assert np.mean(last_quarter) > np.mean(first_quarter) + 0.2


def test_references_are_unique_except_a_few_second_ratings(plan):
    refs = Counter(o.payload.get("transaction_ref") for o in plan.outgoing if "transaction_ref" in o.payload)
    assert 0.75 < sum(refs.values()) / len(plan.outgoing) < 0.85
    assert 0 < sum(1 for n in refs.values() if n > 1) < 0.01 * len(refs)


def test_the_same_seed_gives_the_same_data():
    one = ratings.plan(PLACES, TOKENS, TODAY, 0.01, np.random.default_rng(3))
    two = ratings.plan(PLACES, TOKENS, TODAY, 0.01, np.random.default_rng(3))
    other = ratings.plan(PLACES, TOKENS, TODAY, 0.01, np.random.default_rng(4))
    assert [o.payload for o in one.outgoing] == [o.payload for o in two.outgoing]
    assert one.volumes == two.volumes
    assert [o.payload for o in one.outgoing] != [o.payload for o in other.outgoing]


def test_interviews_respect_the_papi_skip_logic_and_constraints():
    papi = _bundled("papi")
    tokens = {place.spec.code: f"device-{place.spec.code}" for place in PLACES}
    sampled = [SampledVillage(f"{place.spec.code}-T{v}", f"Thôn {v}", place,
                              tuple((1000 * n + 100 * v + k, "main" if k <= 5 else "replacement") for k in range(1, 11)))
               for n, place in enumerate(PLACES) for v in range(1, 4)]
    outgoing, outcomes = households.plan(papi, sampled, tokens, TODAY, 0.25, np.random.default_rng(11))
    originals = [o for o in outgoing if "supersedes" not in o.payload]
    villages = Counter(o.payload["paradata"]["village"] for o in originals)
    assert len(villages) == 36 and all(n == 5 for n in villages.values())
    # Visits follow the draw order: a replacement only after a main respondent was not interviewed.
    statuses = Counter(o.status for o in outcomes)
    assert statuses["completed"] == 180 and statuses["refused"] + statuses["noncontact"] > 0
    visited = defaultdict(set)
    for outcome in outcomes:
        visited[outcome.draw_id // 100].add(outcome.draw_id % 100)
    assert all(orders == set(range(1, len(orders) + 1)) for orders in visited.values())
    assert any(len(orders) > 5 for orders in visited.values())
    revised = {o.payload["supersedes"]: o.payload["uuid"] for o in outgoing if "supersedes" in o.payload}
    completed = {o.response_uuid for o in outcomes if o.status == "completed"}
    assert completed == {revised.get(o.payload["uuid"], o.payload["uuid"]) for o in originals}
    answered = Counter()
    for item in outgoing:
        checked = check_answers(papi, item.payload["answers"])
        answered.update(checked.values.keys())
    gated = [i for i in papi.items if i.relevant is not None]
    # Skip logic is exercised both ways: gated items are sometimes answered, sometimes skipped.
    assert any(0 < answered[i.code] < len(outgoing) for i in gated)
    assert all(answered[i.code] == len(outgoing) for i in papi.items if i.required and i.relevant is None)
    uuids = {o.payload["uuid"] for o in outgoing}
    assert all(o.payload["supersedes"] in uuids for o in outgoing if "supersedes" in o.payload)


def test_interview_scores_lean_with_commune_quality():
    papi = _bundled("papi")
    rng = np.random.default_rng(5)
    good = [households.answer(papi, 1.5, rng, TODAY) for _ in range(150)]
    bad = [households.answer(papi, -1.5, rng, TODAY) for _ in range(150)]

    def mean_score(sample):
        scores = [row.score for answers in sample for row in check_answers(papi, answers).rows
                  if row.score is not None]
        return float(np.mean(scores))

    assert mean_score(good) > mean_score(bad) + 1.0
