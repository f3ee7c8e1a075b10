"""Admin views of API client keys: list, issue (the token is shown once), revoke."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for

from survey.services import api_keys
from survey.services import organisation as org
from survey.web.admin_forms import ApiKeyForm, ConfirmForm, attach_error, unit_choices
from survey.web.auth import acting_user, scope_unit_id
from survey.web.database import request_session


def index():
    """List the keys of units inside the user's scope."""
    session = request_session()
    keys = api_keys.list_keys(session, scope_unit_id())
    units = {u.id: u for u in org.units_in(session, None)}
    return render_template("admin/api_keys.html", keys=keys, units=units, confirm=ConfirmForm())


def new():
    """Issue a key and show its token once; the page is never cached."""
    session = request_session()
    form = ApiKeyForm()
    form.unit_id.choices = unit_choices(org.units_in(session, scope_unit_id()))
    if form.validate_on_submit():
        try:
            issued = api_keys.issue(session, form.name.data, form.unit_id.data, by=acting_user())
            session.commit()
        except api_keys.ApiKeyError as error:
            session.rollback()
            attach_error(form, error)
        else:
            page = render_template("admin/api_key_issued.html", key=issued.credential, token=issued.token)
            return page, 201, {"Cache-Control": "no-store"}
    return render_template("admin/api_key_new.html", form=form)


def revoke(key_id: int):
    """Revoke a key for good."""
    session = request_session()
    try:
        api_keys.revoke(session, key_id, by=acting_user())
    except api_keys.ApiKeyError:
        abort(404)
    session.commit()
    return redirect(url_for("admin.api_keys"))
