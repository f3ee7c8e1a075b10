"""``hailong volumes import FILE.csv``: load transaction counts exported by the one-stop system."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.services.volumes import VolumeImportError, import_rows
from survey.services.volumes_csv import read_csv
from survey.web.database import session_scope

SHOWN_PROBLEMS = 50


@click.group()
def volumes() -> None:
    """Transactions processed per unit, service and day (the denominator of coverage)."""


@volumes.command("import")
@click.argument("path", type=click.File("rb"))
@click.option("--source", default="csv", show_default=True, help="Where the counts come from.")
@with_appcontext
def import_command(path, source: str) -> None:
    """Import FILE.csv (unit_code,service_code,day,processed) all or nothing; re-imported days replace."""
    try:
        rows = read_csv(path.read())
        with session_scope(current_app) as session:
            result = import_rows(session, rows, source=source)
    except VolumeImportError as error:
        for problem in error.problems[:SHOWN_PROBLEMS]:
            click.echo(f"{problem.text('vi')}  |  {problem.text('en')}", err=True)
        hidden = len(error.problems) - SHOWN_PROBLEMS
        if hidden > 0:
            click.echo(f"... và {hidden} lỗi khác / and {hidden} more problems", err=True)
        click.echo("Không nhập dòng nào. / Nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"Đã nhập {len(rows)} dòng: {result.inserted} mới, {result.replaced} thay thế. / "
               f"Imported {len(rows)} rows: {result.inserted} new, {result.replaced} replaced.")
