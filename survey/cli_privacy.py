"""``hailong privacy purge``: blank personal data past its retention (safe to run daily from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.services import privacy
from survey.web.database import session_scope


@click.group("privacy")
def privacy_group() -> None:
    """Personal data (dữ liệu cá nhân): retention and purge."""


@privacy_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be purged; change nothing.")
@with_appcontext
def purge(dry_run: bool) -> None:
    """Purge call-back phones and listing names, addresses and phones past their retention."""
    policy = privacy.RetentionPolicy.from_settings(current_app.config)
    with session_scope(current_app) as session:
        report = privacy.purge(session, policy, dry_run=dry_run)
    verb_vi, verb_en = ("Sẽ xoá", "Would purge") if dry_run else ("Đã xoá", "Purged")
    surveys = ", ".join(report.surveys) or "-"
    click.echo(f"{verb_vi} {report.pii_answers} câu trả lời chứa dữ liệu cá nhân (số điện thoại gọi lại) "
               f"và dữ liệu cá nhân của {report.listing_people} người trong danh sách hộ (cuộc điều tra: "
               f"{surveys}). / {verb_en} {report.pii_answers} personal-data answers (call-back phones) "
               f"and the personal data of {report.listing_people} listed people (surveys: {surveys}).")
