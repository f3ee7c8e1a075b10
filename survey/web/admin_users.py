"""Admin views of staff accounts: list, create, edit role/scope/status, set a password."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from survey.db.accounts import ROLES, User
from survey.services import accounts
from survey.services import organisation as org
from survey.web.admin_forms import (
    PasswordForm,
    UserCreateForm,
    UserEditForm,
    attach_error,
    unit_choices,
)
from survey.web.auth import acting_user, bilingual, renew_own_session, scope_unit_id
from survey.web.database import request_session

WHOLE_INSTALLATION = _l("— whole installation —")


def _fill_choices(form) -> None:
    """Offer the roles and units the acting staff member may hand out."""
    by = acting_user()
    roles = [r for r in ROLES if by.role == "admin" or r != "admin"]
    form.role.choices = [SelectChoice(r, bilingual(accounts.ROLE_NAMES[r])) for r in roles]
    units = org.units_in(request_session(), scope_unit_id())
    form.unit_id.choices = unit_choices(units, none_label=WHOLE_INSTALLATION if by.unit_id is None else None)


def index():
    """List the accounts inside the user's scope."""
    session = request_session()
    users = accounts.list_users(session, scope_unit_id())
    units = {u.id: u for u in org.units_in(session, None)}
    return render_template("admin/users.html", users=users, units=units)


def new():
    """Create a staff account."""
    session = request_session()
    form = UserCreateForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                session, username=form.username.data, display_name=form.display_name.data,
                password=form.password.data, role=form.role.data, unit_id=form.unit_id.data,
                by=acting_user(),
            )
            session.commit()
            return redirect(url_for("admin.user_edit", user_id=user.id))
        except accounts.AccountError as error:
            session.rollback()
            attach_error(form, error)
    return render_template("admin/user_new.html", form=form)


def _manageable(user_id: int) -> User:
    """Return the account, or answer 404 when it is missing or outside the user's scope."""
    session = request_session()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    try:
        accounts.check_target(session, acting_user(), user)
    except accounts.AccountError:
        abort(404)
    return user


def _apply(form: UserEditForm, user: User) -> None:
    """Write the changed name, role, scope and status through the accounts service."""
    session, by = request_session(), acting_user()
    if form.display_name.data != user.display_name:
        accounts.set_display_name(session, user.id, form.display_name.data, by=by)
    if (form.role.data, form.unit_id.data) != (user.role, user.unit_id):
        accounts.set_role(session, user.id, form.role.data, form.unit_id.data, by=by)
    if form.active.data != user.active:
        accounts.set_active(session, user.id, form.active.data, by=by)


def edit(user_id: int):
    """Edit an account's name, role, unit scope and status."""
    session = request_session()
    user = _manageable(user_id)
    form = UserEditForm(obj=user)
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            _apply(form, user)
            session.commit()
            return redirect(url_for("admin.users"))
        except accounts.AccountError as error:
            session.rollback()
            attach_error(form, error)
    return render_template("admin/user_edit.html", form=form, user=user, password_form=PasswordForm())


def password(user_id: int):
    """Set a new password for an account."""
    session = request_session()
    user = _manageable(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(session, user.id, form.password.data, by=acting_user())
            session.commit()
            renew_own_session(user)
            return redirect(url_for("admin.user_edit", user_id=user.id))
        except accounts.AccountError as error:
            session.rollback()
            attach_error(form, error)
    edit_form = UserEditForm(obj=user)
    _fill_choices(edit_form)
    return render_template("admin/user_edit.html", form=edit_form, user=user, password_form=form), 422
