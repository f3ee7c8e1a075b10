"""``hailong demo``: builds the demo through the real services on both engines, once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from survey.cli import cli
from survey.db.accounts import Credential, User
from survey.db.fieldwork import RespondentDraw
from survey.db.organisation import Service, Unit, UnitPredecessor
from survey.db.responses import PiiAnswer, Response, ResponseFlag
from survey.db.volumes import TransactionVolume
from survey.demo.province import COMMUNES
from survey.services import accounts, sampling
from survey.services.units import by_code, subtree_ids
from survey.services.volumes import coverage
from survey.services.weights import design_for
from survey.web.database import session_scope

SCALE = "0.004"  # about 200 ratings and one interview per village


def _counts(app) -> dict[str, int]:
    """Count the rows the demo creates."""
    with session_scope(app) as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in (
            Unit, Service, User, Credential, Response, TransactionVolume, UnitPredecessor, PiiAnswer,
        )}


def test_demo_builds_through_the_services_once_and_is_reused(app, runner):
    first = runner.invoke(cli, ["demo", "--no-serve", "--scale", SCALE])
    assert first.exit_code == 0, first.output
    assert "kiosk ratings:" in first.output and "admin      admin-demo-2026" in first.output
    counts = _counts(app)
    counters = sum(c.counters for c in COMMUNES)
    assert counts["Unit"] == 1 + 2 * len(COMMUNES) + counters + 3
    assert counts["Service"] == 13 and counts["User"] == 5 and counts["UnitPredecessor"] == 2
    assert counts["Credential"] == counters + len(COMMUNES)
    assert counts["Response"] > 150 and counts["TransactionVolume"] > counts["Response"] / 2
    again = runner.invoke(cli, ["demo", "--no-serve", "--scale", SCALE])
    assert again.exit_code == 0, again.output
    assert "demo data found: reusing it" in again.output
    assert _counts(app) == counts
    _check_contents(app)


def _check_contents(app) -> None:
    """Check what the services stored: channels, flags, personal data apart, coverage, logins."""
    with session_scope(app) as session:
        channels = dict(session.execute(
            select(Response.channel, func.count()).group_by(Response.channel)).all())
        assert set(channels) == {"kiosk", "interview"} and channels["interview"] >= 24
        refused_flags = session.scalars(select(ResponseFlag.flag).where(
            ResponseFlag.flag.in_(["outside_opening_hours", "credential_revoked"]))).all()
        assert refused_flags == []
        raw = session.scalars(select(Response.raw_json).join(
            PiiAnswer, PiiAnswer.response_id == Response.id)).all()
        assert all('"phone"' not in text for text in raw)
        province = by_code(session, "MH")
        today = max(session.scalars(select(Response.local_date)))
        rated, processed = coverage(session, subtree_ids(session, province.id),
                                    today - dt.timedelta(days=365), today + dt.timedelta(days=1))
        assert rated == channels["kiosk"] and 0.3 < rated / processed < 0.7
        survey = sampling.get_survey(session, "papi-demo")
        design = design_for(session, survey.id)
        completed = session.scalar(select(func.count()).select_from(RespondentDraw)
                                   .where(RespondentDraw.status == "completed"))
        assert len(design) == completed >= len(COMMUNES) * 3
        assert all(0 < row.probability < 1 and row.weight > 1 for row in design)
        assert accounts.authenticate(session, "admin", "admin-demo-2026") is not None
        assert accounts.authenticate(session, "quanly", "quanly-demo-2026").unit_id == by_code(session, "MH-01").id
