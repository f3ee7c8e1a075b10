"""``hailong audit list``: the audit log with the admin page's filters, as a table or CSV."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.services import audit, audit_log, units
from survey.web.database import session_scope


@click.group()
def audit_group() -> None:
    """The audit log (nhật ký kiểm toán): who did what, when."""


@audit_group.command("list")
@click.option("--action", type=click.Choice(sorted(audit.ACTIONS)), help="Only this action.")
@click.option("--user", "username", help="Only this user name (or OS user of the command line).")
@click.option("--unit", help="Only entries of this unit code and the units below it.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this day (Viet Nam time).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Up to this day, inclusive.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file (default: standard output).")
@with_appcontext
def list_entries(action, username, unit, since, until, output_format, output) -> None:
    """List the audit entries, oldest first."""
    with session_scope(current_app) as session:
        unit_id = None
        if unit:
            found = units.by_code(session, unit)
            if found is None:
                click.echo(f"Không có đơn vị mã '{unit}'.  |  There is no unit with code '{unit}'.", err=True)
                sys.exit(1)
            unit_id = found.id
        where = audit_log.AuditFilter(action, username, unit_id, since and since.date(),
                                      until and until.date())
        if output_format == "csv":
            written = audit_log.write_csv(session, where, None, output)
            click.echo(f"{written} mục / entries", err=True)
            return
        for entry in audit_log.iter_entries(session, where, None):
            click.echo(f"{entry.at:%Y-%m-%d %H:%M:%S}Z  {entry.actor_name:<20} {entry.action:<24} "
                       f"{entry.target_type}:{entry.target_id or ''}  unit={entry.unit_id or '-'}  "
                       f"{entry.details}", file=output)
