"""Staff login and logout, the current user, role checks and unit scope for staff views."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from survey.db.accounts import User
from survey.services import accounts
from survey.services.login import LoginLimits, login
from survey.services.units import is_within
from survey.web.database import request_session
from survey.web.i18n import select_language

bp = Blueprint("auth", __name__, url_prefix="/auth")
login_manager = LoginManager()


@dataclass(frozen=True)
class StaffUser(UserMixin):
    """The logged-in staff member as the web layer sees them (loaded afresh on every request)."""

    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    session_epoch: int = 0

    def get_id(self) -> str:
        """Return the session's user key: the id and the account's session epoch at login."""
        return f"{self.id}.{self.session_epoch}"


class LoginForm(FlaskForm):
    """User name and password."""

    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


def init_app(app: Flask) -> None:
    """Set up Flask-Login and the template helpers for staff pages."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    # "basic", not "strong": staff on mobile networks change address, and a cleared session would lose
    # the CSRF token of the form they are filling in.
    login_manager.session_protection = "basic"
    app.jinja_env.globals["bilingual"] = bilingual
    app.jinja_env.globals["role_name"] = lambda role: bilingual(accounts.ROLE_NAMES[role])


@login_manager.user_loader
def _load_user(key: str) -> StaffUser | None:
    """Return the session's active staff member, or None when disabled, gone or the password changed."""
    user_id, _, epoch = key.partition(".")
    user = request_session().get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or epoch != str(user.session_epoch):
        return None
    return staff_user(user)


def staff_user(user: User) -> StaffUser:
    """Return the web layer's view of a staff account."""
    return StaffUser(user.id, user.username, user.display_name, user.role, user.unit_id, user.session_epoch)


def renew_own_session(user: User) -> None:
    """Keep the current session alive when its own staff member has just changed their password."""
    if current_user.is_authenticated and current_user.id == user.id:
        login_user(staff_user(user))


def bilingual(pair: tuple[str, str]) -> str:
    """Return the Vietnamese or English member of a (vi, en) pair for the interface language."""
    return pair[0] if select_language() == "vi" else pair[1]


def role_required(*roles: str):
    """Let only logged-in staff with one of ``roles`` into the view: others get the login page or 403."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                return render_template("auth/forbidden.html"), 403
            return view(*args, **kwargs)

        return guarded

    return decorate


def acting_user() -> User:
    """Return the database row of the logged-in staff member, for services' ``by=``."""
    return request_session().get(User, current_user.id)


def scope_unit_id() -> int | None:
    """Return the root of the current user's unit scope (None: the whole installation)."""
    return current_user.unit_id


def require_in_scope(unit_id: int | None) -> None:
    """Answer 404 unless ``unit_id`` lies inside the current user's scope."""
    if unit_id is None:
        if scope_unit_id() is not None:
            abort(404)
        return
    if not is_within(request_session(), unit_id, scope_unit_id()):
        abort(404)


def _safe_next(target: str | None) -> str:
    """Return a same-site path to go to after login, or the home page."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or "\\" in target:
        return url_for("catalogue.index")
    return target


def _limits() -> LoginLimits:
    """Return the login limits, configurable as HAILONG_LOGIN_LIMITS = [per_user, per_addr, seconds]."""
    configured = current_app.config.get("LOGIN_LIMITS")
    return LoginLimits(*configured) if configured else LoginLimits()


@bp.route("/login", methods=["GET", "POST"], endpoint="login")
def login_page():
    """Show the login form and log the staff member in."""
    form = LoginForm(next=request.args.get("next"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    session = request_session()
    result = login(session, form.username.data, form.password.data, request.remote_addr or "", _limits())
    session.commit()
    if result.locked:
        minutes = -(-result.retry_after // 60)
        page = render_template("auth/login.html", form=form, locked_minutes=minutes)
        return page, 429, {"Retry-After": str(result.retry_after)}
    if result.user is None:
        return render_template("auth/login.html", form=form, failed=True)
    flask_session.clear()  # nothing from before the login survives it (session fixation)
    login_user(staff_user(result.user))
    return redirect(_safe_next(form.next.data))


@bp.post("/logout")
def logout():
    """Log out (a POST with the CSRF token, so no other site can log staff out)."""
    logout_user()
    return redirect(url_for("catalogue.index"))
