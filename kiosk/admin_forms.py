"""Forms of the staff kiosk pages (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

PIN_RULE = Regexp(r"^[0-9]{4,8}$", message=_l("The PIN has 4 to 8 digits."))


class KioskForm(FlaskForm):
    """A new kiosk: its name, unit and staff PIN."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    unit_id = SelectField(_l("Unit"), coerce=int)
    pin = PasswordField(_l("Staff PIN (4 to 8 digits)"), validators=[DataRequired(), PIN_RULE])


class RenameForm(FlaskForm):
    """A kiosk's new name."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])


class MoveForm(FlaskForm):
    """A kiosk's new unit."""

    unit_id = SelectField(_l("Unit"), coerce=int)


class PushForm(FlaskForm):
    """A transaction pushed to a kiosk so the next rating is tied to it."""

    transaction_ref = StringField(_l("Transaction (dossier) reference"), validators=[DataRequired(), Length(max=128)])
    service = SelectField(_l("Service"), validators=[Optional()])
    counter = SelectField(_l("Counter"), validators=[Optional()])


class ConfirmForm(FlaskForm):
    """An empty form whose CSRF token guards a one-button action."""
