"""coverage(): counted kiosk and QR ratings against imported transactions, by units, days and service."""

from __future__ import annotations

import datetime as dt
import uuid

from survey.db.responses import Response
from survey.domain.loader import load_file
from survey.services import questionnaires
from survey.services.units import subtree_ids
from survey.services.volumes import VolumeRow, coverage, import_rows
from survey.web.database import session_scope


def _response(version_id, unit_id, service_id, day, channel="kiosk", counted=True):
    """Return a stored-response row (only the columns coverage reads matter)."""
    moment = dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.UTC)
    return Response(
        uuid=str(uuid.uuid4()), payload_hash="0" * 64, questionnaire_version_id=version_id,
        channel=channel, link_kind="poster" if channel == "qr" else None, unit_id=unit_id,
        service_id=service_id, submitted_at=moment, received_at=moment, local_date=day,
        counted=counted, status="accepted" if counted else "flagged", raw_json="{}",
    )


def test_coverage_counts_by_hand(app, org, mini_file):
    march, april = dt.date(2026, 3, 2), dt.date(2026, 4, 1)
    birth, copy, centre = org["1.001193"], org["2.000815"], org["X01-TT"]
    with session_scope(app) as session:
        q = load_file(mini_file)
        questionnaires.load(session, q)
        version = questionnaires.publish(session, q.code, q.version)
        session.add_all([
            _response(version.id, centre, birth, march),
            _response(version.id, centre, birth, march, channel="qr"),
            _response(version.id, centre, copy, march),
            _response(version.id, centre, birth, march, counted=False),   # flagged: not counted
            _response(version.id, centre, birth, march, channel="interview"),  # not a rating
            _response(version.id, centre, birth, april),                  # outside [start, end)
            _response(version.id, org["X02-TT"], birth, march),           # another unit
        ])
        import_rows(session, [
            VolumeRow(1, "X01-TT", "1.001193", march, 10),
            VolumeRow(2, "X01-TT", "2.000815", march, 4),
            VolumeRow(3, "X01-TT", "1.001193", april, 100),
            VolumeRow(4, "X02-TT", "1.001193", march, 1000),
        ], today=april)
    with session_scope(app) as session:
        units = subtree_ids(session, org["X01"])
        assert coverage(session, units, dt.date(2026, 3, 1), april) == (3, 14)
        got = coverage(session, units, dt.date(2026, 3, 1), april, service_id=birth)
        assert got == (2, 10) and got.share == 0.2
        assert coverage(session, units, april, dt.date(2026, 5, 1)) == (1, 100)
        empty = coverage(session, units, dt.date(2025, 1, 1), dt.date(2025, 2, 1))
        assert empty == (0, 0) and empty.share is None
