"""Staff pages for kiosks: list, create (with a one-time pairing code and its QR code), rename, move,
new pairing code, revoke, and push a transaction. Admins and unit managers, within their unit scope."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from kiosk.admin_forms import ConfirmForm, KioskForm, MoveForm, PushForm, RenameForm
from survey.db.organisation import Service
from survey.services import kiosk_pushes, kiosks
from survey.services import organisation as org
from survey.web.admin_forms import attach_error, unit_choices
from survey.web.auth import acting_user, role_required, scope_unit_id
from survey.web.database import request_session

bp = Blueprint("kiosk_admin", __name__, url_prefix="/kiosk/admin")
MANAGERS = ("admin", "unit_manager")


@bp.get("/")
@role_required(*MANAGERS)
def index():
    """List the kiosks of the staff member's units."""
    session = request_session()
    units = {u.id: u for u in org.units_in(session, None)}
    return render_template("kiosk_admin/index.html", kiosks=kiosks.list_kiosks(session, scope_unit_id()),
                           units=units, confirm=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new():
    """Create a kiosk and show its first pairing code."""
    session = request_session()
    form = KioskForm()
    form.unit_id.choices = unit_choices(org.units_in(session, scope_unit_id()))
    if form.validate_on_submit():
        try:
            code = kiosks.create(session, form.name.data, form.unit_id.data, form.pin.data, by=acting_user())
            session.commit()
        except kiosks.KioskError as error:
            session.rollback()
            attach_error(form, error)
        else:
            return _pairing_page(code, 201)
    return render_template("kiosk_admin/new.html", form=form)


@bp.route("/<int:kiosk_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit(kiosk_id: int):
    """Show one kiosk with its forms; rename it or move it."""
    session = request_session()
    kiosk = _kiosk(kiosk_id)
    rename, move = RenameForm(prefix="rename", name=kiosk.name), MoveForm(prefix="move", unit_id=kiosk.unit_id)
    move.unit_id.choices = unit_choices(org.units_in(session, scope_unit_id()))
    push = _push_form(kiosk)
    try:
        if request.method == "POST" and "rename-name" in request.form and rename.validate():
            kiosks.rename(session, kiosk_id, rename.name.data, scope_unit_id=scope_unit_id())
        elif request.method == "POST" and "move-unit_id" in request.form and move.validate():
            kiosks.move(session, kiosk_id, move.unit_id.data, scope_unit_id=scope_unit_id())
        else:
            return render_template("kiosk_admin/edit.html", kiosk=kiosk, rename=rename, move=move,
                                   push=push, confirm=ConfirmForm())
    except kiosks.KioskError as error:
        session.rollback()
        attach_error(rename if "rename-name" in request.form else move, error)
        return render_template("kiosk_admin/edit.html", kiosk=kiosk, rename=rename, move=move, push=push,
                               confirm=ConfirmForm()), 400
    session.commit()
    return redirect(url_for("kiosk_admin.edit", kiosk_id=kiosk_id))


@bp.post("/<int:kiosk_id>/code")
@role_required(*MANAGERS)
def pairing_code(kiosk_id: int):
    """Give the kiosk a fresh pairing code (a new or reset tablet)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = request_session()
    _kiosk(kiosk_id)
    code = kiosks.new_pairing_code(session, kiosk_id, scope_unit_id=scope_unit_id())
    session.commit()
    return _pairing_page(code, 200)


@bp.post("/<int:kiosk_id>/revoke")
@role_required(*MANAGERS)
def revoke(kiosk_id: int):
    """Revoke the kiosk's device token; its ratings stay."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = request_session()
    _kiosk(kiosk_id)
    kiosks.revoke(session, kiosk_id, scope_unit_id=scope_unit_id())
    session.commit()
    return redirect(url_for("kiosk_admin.index"))


@bp.post("/<int:kiosk_id>/push")
@role_required(*MANAGERS)
def push(kiosk_id: int):
    """Push a transaction to the kiosk from the counter clerk's browser."""
    session = request_session()
    kiosk = _kiosk(kiosk_id)
    form = _push_form(kiosk)
    if form.validate_on_submit():
        try:
            kiosk_pushes.push(
                session, kiosk_id, form.transaction_ref.data, service_code=form.service.data or None,
                counter_code=form.counter.data or None, scope_unit_id=scope_unit_id(),
                user_id=acting_user().id,
            )
        except kiosks.KioskError as error:
            session.rollback()
            attach_error(form, error)
        else:
            session.commit()
            return redirect(url_for("kiosk_admin.edit", kiosk_id=kiosk_id, pushed=1))
    rename, move = RenameForm(prefix="rename", name=kiosk.name), MoveForm(prefix="move", unit_id=kiosk.unit_id)
    move.unit_id.choices = unit_choices(org.units_in(session, scope_unit_id()))
    return render_template("kiosk_admin/edit.html", kiosk=kiosk, rename=rename, move=move, push=form,
                           confirm=ConfirmForm()), 400


def _kiosk(kiosk_id: int):
    """Return a kiosk inside the user's scope, or answer 404."""
    try:
        return kiosks.get(request_session(), kiosk_id, scope_unit_id=scope_unit_id())
    except kiosks.KioskError:
        abort(404)


def _push_form(kiosk) -> PushForm:
    """Return the push form with the active services and the kiosk unit's counters."""
    session = request_session()
    form = PushForm(prefix="push")
    services = session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.code))
    form.service.choices = [("", "—")] + [(s.code, f"{s.code} · {s.name_vi}") for s in services]
    form.counter.choices = [("", "—")] + [
        (u.code, f"{u.code} · {u.name_vi}") for u in org.units_in(session, kiosk.unit_id) if u.kind == "counter"
    ]
    return form


def _pairing_page(code: kiosks.PairingCode, status: int):
    """Render a pairing code with a QR code of the kiosk URL that carries it; never cached."""
    link = url_for("kiosk.app_shell", pair=code.code, _external=True)
    svg = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2).to_string()
    image = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    page = render_template("kiosk_admin/pairing.html", kiosk=code.kiosk, code=code.code,
                           expires_at=code.expires_at, link=link, qr=image)
    return page, status, {"Cache-Control": "no-store"}
