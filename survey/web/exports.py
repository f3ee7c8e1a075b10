"""The ``exports`` blueprint at /exports: download responses as CSV, XLSX, Stata or SPSS within one's scope."""

from __future__ import annotations

import os
import tempfile

from flask import Blueprint, Response, current_app, render_template, request, send_file
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from survey.db.organisation import CHANNELS
from survey.db.questionnaires import QuestionnaireVersion
from survey.domain.periods import Period
from survey.services.exports import ExportError, ExportRequest, count, layout_for, resolve_unit
from survey.services.exports_csv import csv_lines
from survey.services.exports_files import MEDIA_TYPES, file_name, record_export, write_export
from survey.services.organisation import units_in
from survey.web.auth import bilingual, role_required, scope_unit_id
from survey.web.database import EXTENSION, request_session

bp = Blueprint("exports", __name__, url_prefix="/exports")

ROLES = ("admin", "unit_manager", "analyst")
FORMAT_CHOICES = [
    SelectChoice("csv", _l("CSV (UTF-8, opens in Excel)")),
    SelectChoice("xlsx", _l("Excel workbook (XLSX)")),
    SelectChoice("dta", _l("Stata (.dta)")), SelectChoice("sav", _l("SPSS (.sav)")),
]
CHANNEL_LABELS = {"kiosk": _l("Kiosk"), "qr": _l("QR code"), "web": _l("Staff web form"),
                  "interview": _l("Household interview")}


class ExportForm(FlaskForm):
    """What to export; read from the query string (a download changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    code = SelectField(_l("Questionnaire"))
    file_format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default="csv")
    # Not limited to the listed choices: the unit scope check answers with a clear message.
    unit = SelectField(_l("Unit (with the units below it)"), validators=[Optional()], validate_choice=False)
    period = StringField(_l("Period"), validators=[Optional(), Regexp(
        r"^\d{4}(-\d{2}|-Q[1-4]|-H[12])?$", message=_l("Use 2026-03, 2026-Q1, 2026-H1 or 2026."))])
    channels = SelectMultipleField(_l("Channels (none ticked: all)"), validators=[Optional()],
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                   choices=[SelectChoice(c, CHANNEL_LABELS[c]) for c in CHANNELS])
    exclude_flagged = BooleanField(_l("Leave out responses flagged by the integrity rules"))


def unit_code_choices(units) -> list[SelectChoice]:
    """Return select choices of unit codes, led by the user's whole scope."""
    return [SelectChoice("", _l("My whole scope"))] + [
        SelectChoice(u.code, f"{u.code} · {u.name_vi}") for u in units]


def _form() -> ExportForm:
    """Build the form from the query string with the questionnaires and the units of the user's scope."""
    session = request_session()
    form = ExportForm(formdata=request.args or None)
    codes = session.scalars(select(QuestionnaireVersion.code).distinct().where(
        QuestionnaireVersion.status == "published")).all()
    form.code.choices = [SelectChoice(code, code) for code in sorted(codes)]
    form.unit.choices = unit_code_choices(units_in(session, scope_unit_id()))
    return form


@bp.get("/")
@role_required(*ROLES)
def index():
    """Show the export form."""
    return render_template("exports/index.html", form=_form(), error=None)


@bp.get("/download")
@role_required(*ROLES)
def download():
    """Send the export: CSV streamed as it is read, the other formats through a temporary file."""
    form = _form()
    if not form.validate():
        return render_template("exports/index.html", form=form, error=None), 400
    session = request_session()
    try:
        export = ExportRequest(
            form.code.data, resolve_unit(session, form.unit.data or None, scope_unit_id()),
            Period.parse(form.period.data) if form.period.data else None,
            tuple(form.channels.data or ()), not form.exclude_flagged.data)
        if form.file_format.data == "csv":
            return _csv_response(export)
        return _file_response(export, form.file_format.data)
    except ExportError as error:
        status = 403 if error.code == "out_of_scope" else 400
        message = bilingual((error.message_vi, error.message_en))
        return render_template("exports/index.html", form=form, error=message), status


def _csv_response(export: ExportRequest) -> Response:
    """Stream the CSV export line by line, from a session of its own that the stream closes."""
    session = request_session()
    layout_for(session, export.code)  # an unknown questionnaire is refused before streaming
    record_export(session, export, "csv", count(session, export))
    session.commit()
    factory = current_app.extensions[EXTENSION][1]
    return Response(_csv_stream(factory, export), mimetype="text/csv",
                    headers=_attachment(file_name(export, "csv")))


def _csv_stream(factory, export: ExportRequest):
    """Yield the CSV lines; the session lives exactly as long as the download."""
    session = factory()
    try:
        yield from csv_lines(session, export)
    finally:
        session.close()


def _file_response(export: ExportRequest, file_format: str) -> Response:
    """Write the export to a temporary file, send it, and delete it once sent."""
    handle, path = tempfile.mkstemp(suffix=f".{file_format}", prefix="hailong-export-")
    os.close(handle)
    try:
        write_export(request_session(), export, file_format, path)
        request_session().commit()  # the audit entry of the export
    except BaseException:
        os.unlink(path)
        raise
    response = send_file(path, mimetype=MEDIA_TYPES[file_format], as_attachment=True,
                         download_name=file_name(export, file_format))
    response.call_on_close(lambda: os.unlink(path))
    return response


def _attachment(name: str) -> dict[str, str]:
    """Return the header that makes the browser save the file."""
    return {"Content-Disposition": f'attachment; filename="{name}"'}
