"""The admin pages' forms (Flask-WTF, so each carries a CSRF token) and their translation to services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from survey.db.organisation import UNIT_KINDS, Unit
from survey.domain import opening_hours
from survey.services.accounts import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from survey.services.organisation import OrganisationError
from survey.web.auth import bilingual

KIND_LABELS = {
    "province": _l("Province"), "district": _l("District (older data)"), "commune": _l("Commune"),
    "ward": _l("Ward"), "service_centre": _l("Service centre"), "counter": _l("Counter"),
}


def _optional_int(value):
    """Coerce a select's value to an int, or None for the empty choice."""
    return None if value in (None, "", "None") else int(value)


def unit_choices(units: list[Unit], *, none_label=None) -> list[SelectChoice]:
    """Return select choices for units, optionally led by an empty choice."""
    choices = [SelectChoice("", none_label)] if none_label is not None else []
    return choices + [SelectChoice(str(u.id), f"{u.code} · {u.name_vi}") for u in units]


class UnitForm(FlaskForm):
    """A unit's attributes, opening hours and validity."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in UNIT_KINDS])
    name_vi = StringField(_l("Name in Vietnamese"), validators=[DataRequired()])
    name_en = StringField(_l("Name in English"), validators=[Optional()])
    parent_id = SelectField(_l("Parent unit"), coerce=_optional_int, validate_choice=True)
    hours_mon = StringField(validators=[Optional(), Length(max=200)])
    hours_tue = StringField(validators=[Optional(), Length(max=200)])
    hours_wed = StringField(validators=[Optional(), Length(max=200)])
    hours_thu = StringField(validators=[Optional(), Length(max=200)])
    hours_fri = StringField(validators=[Optional(), Length(max=200)])
    hours_sat = StringField(validators=[Optional(), Length(max=200)])
    hours_sun = StringField(validators=[Optional(), Length(max=200)])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid until"), validators=[Optional()])

    def hour_fields(self):
        """Yield (day, field) for the seven days."""
        for day in opening_hours.DAYS:
            yield day, self[f"hours_{day}"]

    def fill_hours(self, hours: dict) -> None:
        """Write stored opening hours into the seven day fields."""
        for day, field in self.hour_fields():
            field.data = opening_hours.format_day(hours.get(day, []))

    def values(self) -> dict:
        """Return the keyword arguments of organisation.create_unit / update_unit."""
        hours = {}
        for day, field in self.hour_fields():
            try:
                hours[day] = opening_hours.parse_day(day, field.data or "")
            except opening_hours.OpeningHoursError as error:
                raise OrganisationError("invalid_opening_hours", error.message_vi, error.message_en,
                                        field.name) from error
        return {
            "code": self.code.data, "kind": self.kind.data, "name_vi": self.name_vi.data,
            "name_en": self.name_en.data, "parent_id": self.parent_id.data,
            "opening_hours": hours if any(hours.values()) else None,
            "valid_from": self.valid_from.data, "valid_to": self.valid_to.data,
        }


class PredecessorForm(FlaskForm):
    """A unit that merged into this one, and when."""

    predecessor_id = SelectField(_l("Predecessor unit"), coerce=int)
    effective_date = DateField(_l("Effective date"), validators=[DataRequired()])
    end_predecessor = BooleanField(_l("The predecessor ceased to exist the day before"), default=True)


class ServiceForm(FlaskForm):
    """An administrative procedure."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    field = SelectField(_l("Field"))
    name_vi = StringField(_l("Name in Vietnamese"), validators=[DataRequired()])
    name_en = StringField(_l("Name in English"), validators=[Optional()])
    active = BooleanField(_l("In use"), default=True)


def _password(label):
    """Return a password field with the length rules of accounts."""
    return PasswordField(label, validators=[
        DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH)
    ])


class UserCreateForm(FlaskForm):
    """A new staff account."""

    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Full name"), validators=[DataRequired()])
    role = SelectField(_l("Role"))
    unit_id = SelectField(_l("Unit scope"), coerce=_optional_int)
    password = _password(_l("Password"))
    confirm = PasswordField(_l("Password again"), validators=[EqualTo("password")])


class UserEditForm(FlaskForm):
    """A staff account's name, role, scope and status."""

    display_name = StringField(_l("Full name"), validators=[DataRequired()])
    role = SelectField(_l("Role"))
    unit_id = SelectField(_l("Unit scope"), coerce=_optional_int)
    active = BooleanField(_l("Active (may log in)"))


class PasswordForm(FlaskForm):
    """A new password for a staff account."""

    password = _password(_l("New password"))
    confirm = PasswordField(_l("Password again"), validators=[EqualTo("password")])


class ApiKeyForm(FlaskForm):
    """A new API client key: what it is for and the units it may act for."""

    name = StringField(_l("Name (which system uses it)"), validators=[DataRequired(), Length(max=200)])
    unit_id = SelectField(_l("Unit scope"), coerce=int)


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def attach_error(form: FlaskForm, error) -> None:
    """Show a service's refusal (vi/en) next to the field it concerns, or above the form."""
    message = bilingual((error.message_vi, error.message_en))
    field = form._fields.get(error.field or "")
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
