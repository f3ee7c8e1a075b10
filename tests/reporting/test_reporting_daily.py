"""The daily rating counts give exactly what a GROUP BY over the raw rows gives, on random data.

Three checks on both engines: (1) for many filter combinations, the counts read from the daily rows
equal the counts of the raw responses joined to their answers (the query the reports used before);
(2) the rows the submission service maintains equal the rows ``rebuild`` computes from scratch;
(3) a revision takes the interview it supersedes out once, as the raw query leaves it out.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import numpy as np
import pytest
from reporting_world import _publish, _response
from sqlalchemy import func, select

from survey.db.organisation import Service, Unit, UnitPredecessor
from survey.db.reporting import DailyRatingCount
from survey.db.responses import Answer, Response
from survey.services import credentials
from survey.services.reporting import daily
from survey.services.reporting.filters import CHANNELS, Filters, Window, response_conditions
from survey.services.reporting.reach import reach_of
from survey.services.submission import Caller, SubmitCache, submit
from survey.web.database import session_scope

ITEM = "overall_rating"
FIRST = dt.date(2025, 12, 1)
MERGED = dt.date(2026, 2, 1)


def _raw_counts(session, filters, reach, versions, by):
    """Count ratings from the raw rows, exactly as the reports did before the daily table."""
    group = Response.unit_id if by == "unit" else Response.service_id
    query = (
        select(group, Answer.value_int, func.count())
        .join(Answer, Answer.response_id == Response.id)
        .where(Answer.item_code == ITEM, Answer.value_int.is_not(None), reach.condition(),
               Response.questionnaire_version_id.in_(versions), *response_conditions(filters))
        .group_by(group, Answer.value_int)
    )
    return {(key, rating): count for key, rating, count in session.execute(query)}


def _random_world(session, seed: int) -> dict[str, int]:
    """Store random ratings over units, days, channels, services, flags and revised interviews."""
    rng = np.random.default_rng(seed)
    province = Unit(code="P", kind="province", name_vi="Tỉnh")
    a = Unit(code="A", kind="commune", name_vi="Xã A", parent=province)
    b = Unit(code="B", kind="ward", name_vi="Phường B", parent=province)
    old = Unit(code="X", kind="commune", name_vi="Xã cũ", valid_to=MERGED - dt.timedelta(days=1))
    counters = [Unit(code=f"{p.code}{n}", kind="counter", name_vi=f"Quầy {n}", parent=p)
                for p, n in ((a, 1), (a, 2), (b, 1))]
    services = [Service(code=f"S{n}", field="ho_tich", name_vi=f"Thủ tục {n}") for n in (1, 2)]
    session.add_all([province, a, b, old, *counters, *services])
    session.flush()
    session.add(UnitPredecessor(unit_id=b.id, predecessor_id=old.id, effective_date=MERGED))
    versions = [_publish(session, "kiosk")]
    places = [a.id, b.id, old.id, *(c.id for c in counters)]
    kinds = [("kiosk", None), ("qr", "transaction"), ("qr", "poster"), ("web", None), ("interview", None)]
    interviews = []
    for _ in range(1500):
        channel, link = kinds[rng.integers(len(kinds))]
        service = [None, services[0].id, services[1].id][rng.integers(3)]
        day = FIRST + dt.timedelta(days=int(rng.integers(130)))
        response = _response(versions[0], channel, int(rng.choice(places)), service, day, link_kind=link,
                             status="flagged" if rng.random() < 0.15 else "accepted",
                             counted=bool(rng.random() > 0.08))
        value = int(rng.integers(1, 6))
        response.answers.append(Answer(item_code=ITEM, seq=0, value_int=value, score=float(value >= 4)))
        session.add(response)
        if channel == "interview":
            interviews.append(response)
    session.flush()
    for original in interviews[::4]:  # a quarter of the interviews revised, some twice over
        for _ in range(1 + int(rng.random() < 0.3)):
            revision = _response(versions[0], "interview", original.unit_id, original.service_id,
                                 original.local_date)
            revision.supersedes_uuid = original.uuid
            revision.answers.append(Answer(item_code=ITEM, seq=0, value_int=5, score=1.0))
            session.add(revision)
    session.flush()
    return {"P": province.id, "A": a.id, "B": b.id, "A1": counters[0].id, "S1": services[0].id,
            "version": versions[0]}


@pytest.mark.parametrize("seed", [3])
def test_daily_counts_equal_the_raw_rows_for_every_filter(app, seed):
    with session_scope(app) as session:
        ids = _random_world(session, seed)
        daily.rebuild(session)
    windows = [Window.parse(text) for text in ("2026-Q1", "2026-01", "2025-12-15..2026-02-10", "2026")]
    channel_sets = [CHANNELS, ("kiosk",), ("qr_transaction", "qr_poster"), ("web", "interview")]
    checked = 0
    with session_scope(app) as session:
        for unit, window, service, channels, flagged, by in itertools.product(
                ("P", "B", "A1"), windows, (None, "S1"), channel_sets, (True, False), ("unit", "service")):
            filters = Filters("kiosk", ids[unit], window, ids.get(service), channels, flagged)
            reach = reach_of(session, ids[unit])
            expected = _raw_counts(session, filters, reach, [ids["version"]], by)
            assert daily.rating_counts(session, filters, reach, [ids["version"]], ITEM, by) == expected
            checked += bool(expected)
    assert checked > 300  # most combinations hold ratings: the comparison is not vacuous


def _rows(session) -> set[tuple]:
    """Return every daily row with a non-zero count."""
    return {tuple(row) for row in session.execute(
        select(*DailyRatingCount.__table__.columns).where(DailyRatingCount.n != 0))}


def test_submissions_maintain_the_rows_rebuild_computes(app):
    with session_scope(app) as session:
        province = Unit(code="P", kind="province", name_vi="Tỉnh")
        communes = [Unit(code=code, kind="commune", name_vi=code, parent=province) for code in ("A", "B")]
        counter = Unit(code="A1", kind="counter", name_vi="Quầy 1", parent=communes[0])
        session.add_all([province, *communes, counter, Service(code="S1", field="ho_tich", name_vi="Thủ tục")])
        session.flush()
        _publish(session, "kiosk")
        tokens = {u.code: credentials.issue(session, "kiosk_device", u.code, u.id).token for u in communes}
    rng = np.random.default_rng(5)
    start = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)
    cache, moment = SubmitCache(), start
    with session_scope(app) as session:
        for number in range(120):
            commune = ("A", "B")[(number // 2) % 2]
            rating = int(rng.integers(1, 6))
            answers = {"overall_rating": rating} if rating > 3 else {"overall_rating": rating, "comment": "Chậm"}
            # Every tenth rating follows the one before on the same kiosk within seconds: flagged.
            moment = moment + dt.timedelta(seconds=2) if number % 10 == 1 else start + dt.timedelta(
                days=int(rng.integers(14)), minutes=int(rng.integers(0, 600)), seconds=number)
            payload = {"uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"},
                       "channel": "kiosk", "unit": "A1" if commune == "A" and number % 3 == 0 else commune,
                       "service": "S1" if number % 4 else None, "submitted_at": moment.isoformat(),
                       "answers": answers}
            submit(session, payload, Caller(token=tokens[commune]), now=moment, cache=cache)
    with session_scope(app) as session:
        maintained = _rows(session)
        flagged = session.scalar(select(func.count()).select_from(Response).where(Response.status == "flagged"))
        counted = session.scalar(select(func.count()).select_from(Response).where(Response.counted.is_(True)))
        assert flagged > 0 and any(row[6] for row in maintained)
        daily.rebuild(session)
        assert _rows(session) == maintained and sum(row[-1] for row in maintained) == counted


def test_a_revision_takes_the_superseded_interview_out_once(app):
    day = dt.date(2026, 3, 2)
    with session_scope(app) as session:
        unit = Unit(code="C99", kind="commune", name_vi="Xã Thử")
        session.add(unit)
        session.flush()
        version = _publish(session, "kiosk")
        original = _response(version, "interview", unit.id, None, day)
        first, second = (_response(version, "interview", unit.id, None, day) for _ in range(2))
        first.supersedes_uuid = second.supersedes_uuid = original.uuid
        stored = []
        for response, value in ((original, 1), (first, 4), (second, 5)):
            response.answers.append(Answer(item_code=ITEM, seq=0, value_int=value, score=float(value >= 4)))
            session.add(response)
            session.flush()
            values = {"questionnaire_version_id": version, "local_date": day, "unit_id": unit.id,
                      "service_id": None, "channel": "interview", "link_kind": None}
            connection = session.connection()
            daily.add(connection, values, response.answers, flagged=False)
            if response.supersedes_uuid:
                daily.retract_superseded(connection, response.supersedes_uuid)
            stored.append(_rows(session))
        assert {row[-2:] for row in stored[1]} == {(4, 1)}          # the original (1) is out
        assert {row[-2:] for row in stored[2]} == {(4, 1), (5, 1)}  # and not taken out twice
        daily.rebuild(session)
        assert _rows(session) == stored[2]
