"""``hailong report UNIT PERIOD -o FILE.pdf|.xlsx``: the periodic report of a unit, from the shell."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.services.cases import policy_from_settings
from survey.services.reporting.filters import CHANNELS, FilterError, Filters, Window
from survey.services.reporting.output import FORMATS, TOTAL_STEPS, report_bytes
from survey.services.reporting.structure import INDEX_KINDS, NoQuestionnaire
from survey.services.units import by_code
from survey.web.database import session_scope


def _fail(message: str) -> None:
    """Print an error in Vietnamese then English and exit with code 2."""
    click.echo(f"Lỗi / Error: {message}", err=True)
    sys.exit(2)


@click.command("report")
@click.argument("unit")
@click.argument("period")
@click.option("--index", "index", type=click.Choice(list(INDEX_KINDS)), default="kiosk",
              show_default=True, help="Chỉ số / index.")
@click.option("--channel", "channels", multiple=True, type=click.Choice(CHANNELS),
              help="Kênh (lặp lại được; mặc định: tất cả) / channel (repeatable; default: all).")
@click.option("--exclude-flagged", is_flag=True,
              help="Không tính lượt bị gắn cờ / leave flagged ratings out.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Tệp .pdf hoặc .xlsx / a .pdf or .xlsx file.")
@with_appcontext
def report(unit: str, period: str, index: str, channels: tuple[str, ...], exclude_flagged: bool,
           output: str) -> None:
    """Write the report of UNIT (code) for PERIOD (2026-Q1, 2026-03, 2026-H1, 2026 or a range)."""
    fmt = Path(output).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        _fail(f"tệp phải là .pdf hoặc .xlsx / the output must be .pdf or .xlsx: {output}")
    try:
        window = Window.parse(period)
    except FilterError as error:
        _fail(str(error))
    with session_scope(current_app) as session:
        found = by_code(session, unit)
        if found is None:
            _fail(f"không có đơn vị mã {unit!r} / no unit has code {unit!r}")
        filters = Filters(index, found.id, window, channels=channels or CHANNELS,
                          include_flagged=not exclude_flagged)
        try:
            with click.progressbar(length=TOTAL_STEPS, label="Đang lập báo cáo / building the report",
                                   file=sys.stderr) as bar:
                data = report_bytes(session, filters, fmt, bar.update,
                                    policy_from_settings(current_app.config).calendar)
        except NoQuestionnaire as error:
            _fail(f"chưa công bố bảng hỏi cho chỉ số này / no published questionnaire: {error}")
    Path(output).write_bytes(data)
    click.echo(f"Đã ghi / written: {output} ({len(data)} bytes)")
