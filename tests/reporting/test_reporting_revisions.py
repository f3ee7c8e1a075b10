"""A revised interview replaces the one it supersedes in every estimate; the original stays stored."""

from __future__ import annotations

import datetime as dt

from reporting_world import _publish, _response
from sqlalchemy import select

from survey.db.organisation import Unit
from survey.db.responses import Response
from survey.services.reporting.filters import not_superseded
from survey.web.database import session_scope


def test_superseded_interviews_are_left_out(app):
    day = dt.date(2026, 3, 2)
    with session_scope(app) as session:
        unit = Unit(code="C99", kind="commune", name_vi="Xã Thử")
        session.add(unit)
        session.flush()
        version = _publish(session, "papi")
        original = _response(version, "interview", unit.id, None, day)
        revision = _response(version, "interview", unit.id, None, day)
        untouched = _response(version, "interview", unit.id, None, day)
        kiosk = _response(version, "kiosk", unit.id, None, day)
        revision.supersedes_uuid = original.uuid
        session.add_all([original, revision, untouched, kiosk])
        session.flush()
        kept = set(session.scalars(select(Response.uuid).where(not_superseded())))
        assert kept == {revision.uuid, untouched.uuid, kiosk.uuid}
        assert session.scalar(select(Response.uuid).where(Response.uuid == original.uuid)) == original.uuid
