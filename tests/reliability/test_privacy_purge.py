"""Retention: the purge blanks expired call-back phones and listing personal data, and nothing else."""

from __future__ import annotations

import pytest
from audit_world import PHONE, audit_world_fixture, details  # noqa: F401  (a fixture)
from privacy_world import NOW, PEOPLE, close_case, days_ago, listed_survey, phone_rating
from sqlalchemy import func, select

from survey.cli import cli
from survey.db.cases import FeedbackCase
from survey.db.fieldwork import ListingMember, ListingPersonal, SampleSelection
from survey.db.responses import Answer, PiiAnswer, Response
from survey.services import cases, privacy, questionnaires
from survey.web.database import session_scope

POLICY = privacy.RetentionPolicy(callback_phone_days=30, listing_days=180)


@pytest.fixture
def personal(app, audit_world) -> dict[str, str]:
    """Store call-back phones in every retention situation; return the response uuids by situation."""
    with session_scope(app) as session:
        questionnaires.publish(session, "kiosk", "2026.1")
    keys = {
        "closed_long_ago": phone_rating(audit_world, "0911111111", days_ago(60)),
        "closed_yesterday": phone_rating(audit_world, "0922222222", days_ago(60)),
        "open_case": phone_rating(audit_world, "0933333333", days_ago(60)),
        "no_case_old": phone_rating(audit_world, "0944444444", days_ago(60), rating=5),
        "no_case_recent": phone_rating(audit_world, "0955555555", days_ago(2), rating=5),
    }
    close_case(app, audit_world, keys["closed_long_ago"], days_ago(31))
    close_case(app, audit_world, keys["closed_yesterday"], days_ago(1))
    return keys


def _phones(app) -> dict[str, str | None]:
    with session_scope(app) as session:
        rows = session.execute(select(Response.uuid, PiiAnswer.value_text, PiiAnswer.purged_at)
                               .join(PiiAnswer, PiiAnswer.response_id == Response.id)).all()
        return {uuid: (value, purged is not None) for uuid, value, purged in rows}


def _snapshot(app) -> dict:
    """Everything a purge must leave alone: responses, answers, cases and their history."""
    with session_scope(app) as session:
        return {
            "responses": session.scalar(select(func.count()).select_from(Response)),
            "answers": sorted(session.execute(select(Answer.response_id, Answer.item_code, Answer.value_int,
                                                     Answer.value_text)).all()),
            "cases": sorted(session.execute(select(
                FeedbackCase.id, FeedbackCase.status, FeedbackCase.callback_requested, FeedbackCase.answer_text,
                FeedbackCase.closed_at, FeedbackCase.closed_by)).all()),
            "pii_rows": session.scalar(select(func.count()).select_from(PiiAnswer)),
        }


def test_dry_run_counts_and_changes_nothing(app, audit_world, personal):
    before, phones, entries = _snapshot(app), _phones(app), len(audit_world.entries())
    with session_scope(app) as session:
        report = privacy.purge(session, POLICY, now=NOW, dry_run=True)
    assert (report.pii_answers, report.listing_people, report.dry_run) == (2, 0, True)
    assert (_snapshot(app), _phones(app), len(audit_world.entries())) == (before, phones, entries)


def test_purge_blanks_expired_phones_only_and_keeps_counts_and_case_history(app, audit_world, personal):
    before = _snapshot(app)
    with session_scope(app) as session:
        report = privacy.purge(session, POLICY, now=NOW)
    assert (report.pii_answers, report.listing_people) == (2, 0)
    phones = _phones(app)
    assert phones[personal["closed_long_ago"]] == (None, True)
    assert phones[personal["no_case_old"]] == (None, True)
    assert phones[personal["closed_yesterday"]] == ("0922222222", False)  # closed yesterday: kept
    assert phones[personal["open_case"]] == ("0933333333", False)
    assert phones[personal["no_case_recent"]] == ("0955555555", False)
    assert _snapshot(app) == before
    [entry] = audit_world.entries("privacy.purge")
    assert details(entry) == {"pii_answers": 2, "listing_people": 0, "surveys": [],
                              "callback_phone_days": 30, "listing_days": 180}
    assert all(p not in entry.details for p in ("0911111111", "0944444444"))


def test_purge_is_idempotent(app, audit_world, personal):
    with session_scope(app) as session:
        privacy.purge(session, POLICY, now=NOW)
    phones = _phones(app)
    with session_scope(app) as session:
        again = privacy.purge(session, POLICY, now=NOW)
    assert (again.pii_answers, again.listing_people) == (0, 0)
    assert _phones(app) == phones and len(audit_world.entries("privacy.purge")) == 1


def test_a_purged_phone_is_no_longer_shown_or_called(app, audit_world, personal):
    with session_scope(app) as session:
        privacy.purge(session, POLICY, now=NOW)
        case = session.scalar(select(FeedbackCase).join(Response, Response.id == FeedbackCase.response_id)
                              .where(Response.uuid == personal["closed_long_ago"]))
        assert case.callback_requested and cases.phone_of(session, case) is None


def _listing(app, survey_id: int) -> list[tuple]:
    with session_scope(app) as session:
        return session.execute(
            select(ListingPersonal.name, ListingPersonal.address, ListingPersonal.phone,
                   ListingPersonal.purged_at.is_not(None))
            .join(ListingMember, ListingMember.id == ListingPersonal.member_id)
            .join(SampleSelection, SampleSelection.id == ListingMember.selection_id)
            .where(SampleSelection.survey_id == survey_id).order_by(ListingMember.position)).all()


def test_listing_personal_data_of_finished_surveys_is_purged_after_its_retention(app, audit_world):
    old = listed_survey(app, "papi-2025", days_ago(181), weighted=True)
    recent = listed_survey(app, "papi-2026", days_ago(10), weighted=True)
    unweighted = listed_survey(app, "papi-pilot", days_ago(400), weighted=False)
    with session_scope(app) as session:
        dry = privacy.purge(session, POLICY, now=NOW, dry_run=True)
    assert (dry.listing_people, dry.surveys) == (3, ("papi-2025",))
    assert _listing(app, old) == [(*person, False) for person in PEOPLE]
    with session_scope(app) as session:
        report = privacy.purge(session, POLICY, now=NOW)
    assert (report.listing_people, report.surveys) == (3, ("papi-2025",))
    assert _listing(app, old) == [(None, None, None, True)] * 3
    for kept in (recent, unweighted):
        assert _listing(app, kept) == [(*person, False) for person in PEOPLE]
    with session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(ListingMember)) == 9  # positions stay
    assert details(audit_world.entries("privacy.purge")[0])["surveys"] == ["papi-2025"]


def test_cli_purge_with_dry_run_and_the_retention_setting(app, audit_world, personal, runner):
    app.config["CALLBACK_PHONE_RETENTION_DAYS"] = 100_000  # the command runs at today's date
    kept = runner.invoke(cli, ["privacy", "purge", "--dry-run"])
    assert kept.exit_code == 0 and "Would purge 0 personal-data answers" in kept.output, kept.output
    app.config["CALLBACK_PHONE_RETENTION_DAYS"] = 0
    dry = runner.invoke(cli, ["privacy", "purge", "--dry-run"])
    assert "Would purge 4 personal-data answers" in dry.output  # every phone but the open case's
    assert all(not purged for _, purged in _phones(app).values())
    done = runner.invoke(cli, ["privacy", "purge"])
    assert done.exit_code == 0 and "Purged 4 personal-data answers" in done.output
    again = runner.invoke(cli, ["privacy", "purge"])
    assert again.exit_code == 0 and "Purged 0 personal-data answers" in again.output
    assert _phones(app)[personal["open_case"]] == ("0933333333", False)
    [entry] = audit_world.entries("privacy.purge")
    assert entry.actor_kind == "cli"


def test_retention_settings_are_read_and_checked():
    assert privacy.RetentionPolicy.from_settings({}) == privacy.RetentionPolicy(30, 180)
    assert privacy.RetentionPolicy.from_settings(
        {"CALLBACK_PHONE_RETENTION_DAYS": 7, "LISTING_RETENTION_DAYS": "90"}) == privacy.RetentionPolicy(7, 90)
    with pytest.raises(ValueError):
        privacy.RetentionPolicy.from_settings({"CALLBACK_PHONE_RETENTION_DAYS": -1})
