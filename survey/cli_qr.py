"""``hailong qr posters UNIT -o FILE.pdf``: A4 QR posters for every counter of a unit."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.db.base import utcnow
from survey.domain.qrtoken import QUESTIONNAIRES
from survey.services import qrlinks, qrposters, units
from survey.web.database import session_scope


@click.group()
def qr() -> None:
    """QR links for citizens' phones."""


@qr.command("posters")
@click.argument("unit")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--questionnaire", type=click.Choice(QUESTIONNAIRES), default="kiosk", show_default=True,
              help="Form the posters open: the quick rating or the full SIPAS questionnaire.")
@click.option("--base-url", help="Address citizens reach the server at (default: QR_BASE_URL).")
@with_appcontext
def posters(unit, output, questionnaire, base_url) -> None:
    """Write an A4 poster for every counter of UNIT (a unit code) to OUTPUT, one page each."""
    base_url = base_url or current_app.config.get("QR_BASE_URL")
    if not base_url:
        raise click.UsageError(
            "Cần địa chỉ máy chủ: --base-url hoặc HAILONG_QR_BASE_URL. / "
            "The server's address is needed: --base-url or HAILONG_QR_BASE_URL."
        )
    keyring = qrlinks.Keyring.from_config(current_app.config)
    settings = qrlinks.LinkSettings.from_config(current_app.config)
    with session_scope(current_app) as session:
        found = units.by_code(session, unit)
        if found is None:
            click.echo(f"Không có đơn vị {unit}. / No unit {unit}.", err=True)
            sys.exit(1)
        posters = qrposters.posters_for(
            session, keyring, settings, found.id, base_url, questionnaire=questionnaire, now=utcnow(),
        )
    with click.progressbar(length=len(posters), label="Áp phích / Posters", file=sys.stderr) as bar:
        pdf = qrposters.render_posters(posters, bar.update)
    Path(output).write_bytes(pdf)
    click.echo(f"Đã ghi {len(posters)} áp phích vào {output}. / Wrote {len(posters)} posters to {output}.")
