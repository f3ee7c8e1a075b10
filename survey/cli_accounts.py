"""``hailong user ...`` and ``hailong api-key ...``: staff accounts and integration keys from the shell."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from survey.db.accounts import ROLES
from survey.db.organisation import Unit
from survey.services import accounts, api_keys
from survey.services.units import by_code
from survey.web.database import session_scope


def _fail(error) -> None:
    """Print a service's refusal in Vietnamese, then English, and exit with status 1."""
    click.echo(f"lỗi: {error.message_vi}\nerror: {error.message_en}", err=True)
    sys.exit(1)


def _unit_id(session, code: str | None) -> int | None:
    """Return the id of the unit with ``code`` (None for no code), or stop with an error."""
    if code is None:
        return None
    unit = by_code(session, code)
    if unit is None:
        _fail(accounts.AccountError("unknown_unit", f"Không có đơn vị mã {code}.", f"No unit with code {code}."))
    return unit.id


def _user_id(session, username: str) -> int:
    """Return the id of the user called ``username``, or stop with an error."""
    user = accounts.get_by_username(session, username)
    if user is None:
        _fail(accounts.AccountError("unknown_user", f"Không có tài khoản {username}.", f"No account {username}."))
    return user.id


def _read_password(from_stdin: bool) -> str:
    """Read a new password from standard input (one line) or ask for it twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Mật khẩu / Password", hide_input=True,
                        confirmation_prompt="Nhập lại / Repeat")


@click.group()
def user() -> None:
    """Manage staff accounts (quản lý tài khoản cán bộ)."""


@user.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name shown in the interface.")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--unit", "unit_code", default=None, help="Code of the unit the account is scoped to.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create(username: str, display_name: str, role: str, unit_code: str | None, password_stdin: bool):
    """Create a staff account (at least 10 characters of password)."""
    password = _read_password(password_stdin)
    try:
        with session_scope(current_app) as session:
            made = accounts.create_user(session, username=username, display_name=display_name,
                                        password=password, role=role, unit_id=_unit_id(session, unit_code))
            click.echo(f"created {made.username} ({role}{', ' + unit_code if unit_code else ''})")
    except accounts.AccountError as error:
        _fail(error)


@user.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--unit", "unit_code", default=None, help="Unit scope; none means the whole installation.")
@with_appcontext
def set_role(username: str, role: str, unit_code: str | None) -> None:
    """Give an account a new role and unit scope."""
    try:
        with session_scope(current_app) as session:
            accounts.set_role(session, _user_id(session, username), role, _unit_id(session, unit_code))
            click.echo(f"{accounts.normalise_username(username)}: {role} {unit_code or '(whole installation)'}")
    except accounts.AccountError as error:
        _fail(error)


def _set_active(username: str, active: bool) -> None:
    """Disable or enable an account."""
    try:
        with session_scope(current_app) as session:
            accounts.set_active(session, _user_id(session, username), active)
            click.echo(f"{accounts.normalise_username(username)}: {'enabled' if active else 'disabled'}")
    except accounts.AccountError as error:
        _fail(error)


@user.command("disable")
@click.argument("username")
@with_appcontext
def disable(username: str) -> None:
    """Disable an account: it can no longer log in (its history stays)."""
    _set_active(username, False)


@user.command("enable")
@click.argument("username")
@with_appcontext
def enable(username: str) -> None:
    """Enable a disabled account again."""
    _set_active(username, True)


@user.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def set_password(username: str, password_stdin: bool) -> None:
    """Set a new password for an account."""
    password = _read_password(password_stdin)
    try:
        with session_scope(current_app) as session:
            accounts.set_password(session, _user_id(session, username), password)
            click.echo(f"{accounts.normalise_username(username)}: password changed")
    except accounts.AccountError as error:
        _fail(error)


@user.command("list")
@click.option("--unit", "unit_code", default=None, help="Only accounts scoped inside this unit.")
@with_appcontext
def list_(unit_code: str | None) -> None:
    """List accounts: user name, role, unit scope, status, name."""
    with session_scope(current_app) as session:
        codes = dict(session.execute(select(Unit.id, Unit.code)).all())
        for row in accounts.list_users(session, _unit_id(session, unit_code)):
            status = "active" if row.active else "disabled"
            click.echo(f"{row.username:24} {row.role:13} {codes.get(row.unit_id, '*'):12} {status:9} "
                       f"{row.display_name}")


@click.group("api-key")
def api_key() -> None:
    """Manage API client keys for integrations (khoá API cho hệ thống kết nối)."""


@api_key.command("create")
@click.option("--unit", "unit_code", required=True, help="The key acts for this unit and those below it.")
@click.option("--name", required=True, help="Which system uses the key.")
@with_appcontext
def create_key(unit_code: str, name: str) -> None:
    """Issue a key and print its token once: it is stored only as a hash."""
    try:
        with session_scope(current_app) as session:
            issued = api_keys.issue(session, name, _unit_id(session, unit_code))
            key_id, token = issued.credential.id, issued.token
    except api_keys.ApiKeyError as error:
        _fail(error)
    click.echo(f"key {key_id} for {unit_code}; the token is shown only now:", err=True)
    click.echo(token)


@api_key.command("revoke")
@click.argument("key_id", type=int)
@with_appcontext
def revoke_key(key_id: int) -> None:
    """Revoke a key for good."""
    try:
        with session_scope(current_app) as session:
            api_keys.revoke(session, key_id)
            click.echo(f"key {key_id} revoked")
    except api_keys.ApiKeyError as error:
        _fail(error)


@api_key.command("list")
@click.option("--unit", "unit_code", default=None, help="Only keys of units inside this unit.")
@with_appcontext
def list_keys(unit_code: str | None) -> None:
    """List keys: id, unit, status, last use, name."""
    with session_scope(current_app) as session:
        codes = dict(session.execute(select(Unit.id, Unit.code)).all())
        for key in api_keys.list_keys(session, _unit_id(session, unit_code)):
            status = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}Z" if key.last_used_at else "never used"
            click.echo(f"{key.id:5} {codes[key.unit_id]:12} {status:18} {used:18} {key.name}")
