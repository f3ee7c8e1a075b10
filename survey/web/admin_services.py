"""Admin views of the service catalogue: list, create, edit."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from survey.db.organisation import Service
from survey.services import organisation as org
from survey.web.admin_forms import ServiceForm, attach_error
from survey.web.auth import bilingual
from survey.web.database import request_session


def index():
    """List the services by field."""
    services = org.list_services(request_session())
    return render_template("admin/services.html", services=services, fields=org.FIELDS)


def _form(service: Service | None) -> ServiceForm:
    """Return the service form with the fields to choose from."""
    form = ServiceForm(obj=service)
    form.field.choices = [SelectChoice(code, bilingual(names)) for code, names in org.FIELDS.items()]
    return form


def _save(form: ServiceForm, service: Service | None):
    """Create or update the service from a valid form; return a redirect, or None after an error."""
    session = request_session()
    values = {"code": form.code.data, "field": form.field.data, "name_vi": form.name_vi.data,
                  "name_en": form.name_en.data, "active": form.active.data}
    try:
        if service is None:
            org.create_service(session, **values)
        else:
            org.update_service(session, service.id, **values)
        session.commit()
    except org.OrganisationError as error:
        session.rollback()
        attach_error(form, error)
        return None
    return redirect(url_for("admin.services"))


def new():
    """Add a service to the catalogue."""
    form = _form(None)
    if form.validate_on_submit() and (done := _save(form, None)):
        return done
    return render_template("admin/service_form.html", form=form, service=None)


def edit(service_id: int):
    """Edit a service."""
    service = request_session().get(Service, service_id)
    if service is None:
        abort(404)
    form = _form(service)
    if form.validate_on_submit() and (done := _save(form, service)):
        return done
    return render_template("admin/service_form.html", form=form, service=service)
