"""Staff pages of QR links: a link for one transaction (to print or show), posters for counters."""

from __future__ import annotations

import base64
import io

from flask import render_template, send_file
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from survey.db.base import utcnow
from survey.db.organisation import Unit
from survey.services import organisation, qrimages, qrlinks, qrposters
from survey.web.auth import bilingual, scope_unit_id
from survey.web.database import request_session
from survey.web.qr_keys import keyring_and_settings, link_url

QUESTIONNAIRES = [
    SelectChoice("kiosk", _l("Quick rating (a few seconds)")), SelectChoice("sipas", _l("Full SIPAS questionnaire")),
]


class LinkForm(FlaskForm):
    """The transaction a link is for."""

    unit = SelectField(_l("Unit"), validators=[DataRequired()])
    service = SelectField(_l("Service"), default="")
    transaction_ref = StringField(_l("Transaction reference"), validators=[DataRequired(), Length(max=128)])
    questionnaire = SelectField(_l("Questionnaire"), choices=QUESTIONNAIRES, default="kiosk")


class PosterForm(FlaskForm):
    """The unit whose counters get posters."""

    unit = SelectField(_l("Unit"), validators=[DataRequired()])
    questionnaire = SelectField(_l("Questionnaire"), choices=QUESTIONNAIRES, default="kiosk")


def new_link():
    """Make a single-use link for a transaction and show its QR code, ready for the receipt printer."""
    session = request_session()
    form = LinkForm()
    form.unit.choices = _unit_choices(session)
    form.service.choices = [SelectChoice("", _l("(not stated)"))] + [
        SelectChoice(s.code, f"{s.code} · {bilingual((s.name_vi, s.name_en or s.name_vi))}")
        for s in organisation.list_services(session, active_only=True)
    ]
    if form.validate_on_submit():
        keyring, settings = keyring_and_settings()
        try:
            issued = qrlinks.issue_transaction_link(
                session, keyring, settings, unit_code=form.unit.data, transaction_ref=form.transaction_ref.data,
                service_code=form.service.data or None, questionnaire=form.questionnaire.data,
                scope_unit_id=scope_unit_id(), now=utcnow(),
            )
        except qrlinks.LinkError as error:
            getattr(form, error.field).errors = [bilingual((error.message_vi, error.message_en))]
        else:
            return _issued_page(issued)
    return render_template("qr/link_new.html", form=form)


def posters():
    """Download the A4 posters of every counter of a unit as one PDF."""
    session = request_session()
    form = PosterForm()
    form.unit.choices = _unit_choices(session, by_id=True)
    if form.validate_on_submit():
        keyring, settings = keyring_and_settings()
        unit_id = int(form.unit.data)
        posters = qrposters.posters_for(
            session, keyring, settings, unit_id, link_url(""), questionnaire=form.questionnaire.data,
            now=utcnow(),
        )
        code = session.get(Unit, unit_id).code
        session.rollback()  # end the transaction before the slow rendering
        return send_file(
            io.BytesIO(qrposters.render_posters(posters)), mimetype="application/pdf", as_attachment=True,
            download_name=f"qr-posters-{code}.pdf",
        )
    return render_template("qr/posters.html", form=form)


def _issued_page(issued: qrlinks.IssuedLink):
    """Render the link with its QR code; the page is never cached."""
    url = link_url(issued.path)
    images = qrimages.receipt_images(url)
    page = render_template(
        "qr/link_issued.html", url=url, claims=issued.claims, images=images,
        png=base64.b64encode(images.png).decode("ascii"),
    )
    return page, 201, {"Cache-Control": "no-store"}


def _unit_choices(session, *, by_id: bool = False) -> list[SelectChoice]:
    """Return the service centres and counters within the user's scope as select choices."""
    return [
        SelectChoice(str(u.id) if by_id else u.code, f"{u.code} · {u.name_vi}")
        for u in organisation.units_in(session, scope_unit_id())
        if u.kind in ("service_centre", "counter", "commune", "ward")
    ]
