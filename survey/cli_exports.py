"""``hailong export responses CODE``: responses of every published version of a questionnaire to a file."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.db.organisation import CHANNELS
from survey.domain.periods import Period
from survey.services.exports import FORMATS, ExportError, ExportRequest, count, resolve_unit
from survey.services.exports_files import write_export
from survey.web.database import session_scope


@click.group()
def export() -> None:
    """Export collected data."""


@export.command("responses")
@click.argument("code")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--unit", help="Only this unit and the units below it (unit code).")
@click.option("--period", help="2026-03, 2026-Q1, 2026-H1 or 2026 (days in Viet Nam time).")
@click.option("--channel", "channels", multiple=True, type=click.Choice(CHANNELS),
              help="Only these channels (repeat the option for several).")
@click.option("--exclude-flagged", is_flag=True, help="Leave out responses flagged by integrity rules.")
@with_appcontext
def responses(code, file_format, output, unit, period, channels, exclude_flagged) -> None:
    """Write the responses of questionnaire CODE, all published versions, to OUTPUT (never personal data)."""
    try:
        parsed = Period.parse(period) if period else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    try:
        with session_scope(current_app) as session:
            request = ExportRequest(code, resolve_unit(session, unit, None), parsed, tuple(channels),
                                    not exclude_flagged)
            total = count(session, request)
            with click.progressbar(length=total, label="Xuất / Exporting", file=sys.stderr) as bar:
                written = write_export(session, request, file_format, output, bar.update)
    except ExportError as error:
        click.echo(f"{error.message_vi}  |  {error.message_en}", err=True)
        sys.exit(1)
    click.echo(f"Đã xuất {written} phản hồi vào {output}. / Exported {written} responses to {output}.")
