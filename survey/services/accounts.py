"""Staff accounts: create, change role and unit scope, disable, set passwords, authenticate.

Passwords are hashed with scrypt (werkzeug's default: N=2^15, r=8, p=1, random salt). Changes made by a
staff member (``by``) obey the rules of delegation: an admin manages everyone; a unit manager manages
only users inside their own unit subtree and never creates or edits admins; nobody changes their own
role or disables themselves; the last active admin stays.
"""

from __future__ import annotations

import re
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from survey.db.accounts import ROLES, User
from survey.db.base import utcnow
from survey.db.organisation import Unit
from survey.services import audit
from survey.services.errors import ServiceError
from survey.services.units import is_within, subtree_ids

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 1024
# Roles whose work happens inside one unit subtree; an admin always has the whole installation.
UNIT_REQUIRED = ("unit_manager", "supervisor", "enumerator")
ROLE_NAMES = {
    "admin": ("Quản trị hệ thống", "Administrator"),
    "unit_manager": ("Quản lý đơn vị", "Unit manager"),
    "analyst": ("Phân tích", "Analyst"),
    "supervisor": ("Giám sát viên", "Supervisor"),
    "enumerator": ("Điều tra viên", "Enumerator"),
}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class AccountError(ServiceError):
    """An account change that cannot be made, with a stable code, the field and vi/en messages."""


def normalise_username(username: str) -> str:
    """Return the stored form of a user name: stripped and lower case."""
    return (username or "").strip().lower()


def _check_password(password: str, username: str) -> None:
    """Refuse passwords that are too short, too long or equal to the user name."""
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise AccountError(
            "password_too_short", f"Mật khẩu phải có ít nhất {PASSWORD_MIN_LENGTH} ký tự.",
            f"The password must have at least {PASSWORD_MIN_LENGTH} characters.", "password",
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise AccountError(
            "password_too_long", f"Mật khẩu dài tối đa {PASSWORD_MAX_LENGTH} ký tự.",
            f"The password may have at most {PASSWORD_MAX_LENGTH} characters.", "password",
        )
    if password.strip().lower() == username:
        raise AccountError("password_is_username", "Mật khẩu không được trùng tên đăng nhập.",
                           "The password must differ from the user name.", "password")


def _check_role(session: Session, role: str, unit_id: int | None) -> None:
    """Refuse an unknown role, an unknown unit, or a scope that does not suit the role."""
    if role not in ROLES:
        raise AccountError("invalid_role", f"Vai trò không hợp lệ: {role!r}.", f"Unknown role {role!r}.",
                           "role")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise AccountError("unknown_unit", "Không có đơn vị này.", "No such unit.", "unit_id")
    if role == "admin" and unit_id is not None:
        raise AccountError("admin_scope", "Quản trị hệ thống có phạm vi toàn hệ thống, không gắn đơn vị.",
                           "An administrator covers the whole installation: choose no unit.", "unit_id")
    if role in UNIT_REQUIRED and unit_id is None:
        raise AccountError("unit_required", "Vai trò này cần một đơn vị.", "This role needs a unit.",
                           "unit_id")


def _forbidden(message_vi: str, message_en: str) -> AccountError:
    """Return the error for a change the acting staff member may not make."""
    return AccountError("forbidden", message_vi, message_en)


def may_manage_users(by: User | None) -> bool:
    """Whether ``by`` (None: the command line) may manage staff accounts at all."""
    return by is None or by.role in ("admin", "unit_manager")


def check_assignment(session: Session, by: User | None, role: str, unit_id: int | None) -> None:
    """Refuse giving ``role`` at ``unit_id`` when ``by`` may not hand it out."""
    if by is None or by.role == "admin":
        return
    if not may_manage_users(by):
        raise _forbidden("Bạn không có quyền quản lý tài khoản.", "You may not manage accounts.")
    if role == "admin":
        raise _forbidden("Chỉ quản trị hệ thống mới tạo được quản trị hệ thống.",
                         "Only administrators can make administrators.")
    if unit_id is None or not is_within(session, unit_id, by.unit_id):
        raise _forbidden("Đơn vị nằm ngoài phạm vi của bạn.", "The unit is outside your scope.")


def check_target(session: Session, by: User | None, user: User) -> None:
    """Refuse changing ``user`` when ``by`` may not manage them."""
    if by is None or by.role == "admin":
        return
    if not may_manage_users(by) or user.role == "admin" or user.unit_id is None or not is_within(
        session, user.unit_id, by.unit_id
    ):
        raise _forbidden("Tài khoản này nằm ngoài phạm vi của bạn.", "This account is outside your scope.")


def _check_not_self(by: User | None, user: User) -> None:
    """Refuse a change of one's own role or status."""
    if by is not None and by.id == user.id:
        raise _forbidden("Bạn không thể tự đổi vai trò hoặc tự khoá tài khoản của mình.",
                         "You cannot change your own role or disable yourself.")


def _check_admin_remains(session: Session, user: User, role: str, active: bool) -> None:
    """Refuse a change that would leave no active administrator."""
    if user.role != "admin" or not user.active or (role == "admin" and active):
        return
    admins = session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.id != user.id
    ))
    if not admins:
        raise AccountError("last_admin", "Phải còn ít nhất một quản trị hệ thống đang hoạt động.",
                           "At least one active administrator must remain.", "role")


def create_user(
    session: Session, *, username: str, display_name: str, password: str, role: str,
    unit_id: int | None = None, by: User | None = None,
) -> User:
    """Create an active staff account with a hashed password."""
    username = normalise_username(username)
    if not _USERNAME.match(username):
        raise AccountError(
            "invalid_username", "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, chữ số, '.', '_', '-'.",
            "A user name has 3-64 characters: lower-case letters, digits, '.', '_', '-'.", "username",
        )
    if get_by_username(session, username) is not None:
        raise AccountError("username_taken", f"Tên đăng nhập {username} đã có.",
                           f"The user name {username} is taken.", "username")
    if not (display_name or "").strip():
        raise AccountError("name_required", "Cần có họ tên.", "A display name is needed.", "display_name")
    _check_role(session, role, unit_id)
    check_assignment(session, by, role, unit_id)
    _check_password(password, username)
    user = User(username=username, display_name=display_name.strip(), role=role, unit_id=unit_id,
                password_hash=generate_password_hash(password), active=True)
    session.add(user)
    session.flush()
    audit.record(session, "user.create", "user", user.id, unit_id=unit_id, by=by, details={"role": role})
    return user


def set_role(session: Session, user_id: int, role: str, unit_id: int | None, *,
             by: User | None = None) -> User:
    """Give a user a new role and unit scope."""
    user = get_user(session, user_id)
    check_target(session, by, user)
    _check_not_self(by, user)
    _check_role(session, role, unit_id)
    check_assignment(session, by, role, unit_id)
    _check_admin_remains(session, user, role, user.active)
    audit.record(session, "user.role", "user", user.id, unit_id=unit_id, by=by,
                 details={"role": role, "from_role": user.role, "from_unit_id": user.unit_id})
    user.role, user.unit_id = role, unit_id
    session.flush()
    return user


def set_active(session: Session, user_id: int, active: bool, *, by: User | None = None) -> User:
    """Disable (or enable again) a staff account; a disabled account cannot log in."""
    user = get_user(session, user_id)
    check_target(session, by, user)
    _check_not_self(by, user)
    _check_admin_remains(session, user, user.role, active)
    if user.active != active:
        audit.record(session, "user.activate" if active else "user.deactivate", "user", user.id,
                     unit_id=user.unit_id, by=by)
    user.active = active
    session.flush()
    return user


def set_display_name(session: Session, user_id: int, display_name: str, *,
                     by: User | None = None) -> User:
    """Change the name shown for a user."""
    user = get_user(session, user_id)
    check_target(session, by, user)
    if not (display_name or "").strip():
        raise AccountError("name_required", "Cần có họ tên.", "A display name is needed.", "display_name")
    user.display_name = display_name.strip()
    session.flush()
    return user


def set_password(session: Session, user_id: int, password: str, *, by: User | None = None) -> User:
    """Replace a user's password and end every session logged in with the old one."""
    user = get_user(session, user_id)
    check_target(session, by, user)
    _check_password(password, user.username)
    user.password_hash = generate_password_hash(password)
    audit.record(session, "user.password", "user", user.id, unit_id=user.unit_id, by=by)
    user.session_epoch += 1
    session.flush()
    return user


@cache
def _decoy_hash() -> str:
    """Return a hash to check against when the user is unknown, so both cases take as long."""
    return generate_password_hash("hailong-decoy-password")


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active user whose password matches, recording the login time, else None."""
    user = get_by_username(session, username)
    if user is None or len(password or "") > PASSWORD_MAX_LENGTH:
        check_password_hash(_decoy_hash(), password[:PASSWORD_MAX_LENGTH] if password else "")
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User:
    """Return the user with ``user_id`` or raise."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("unknown_user", "Không có tài khoản này.", "No such account.")
    return user


def get_by_username(session: Session, username: str) -> User | None:
    """Return the user called ``username`` (any case), or None."""
    return session.scalars(select(User).where(User.username == normalise_username(username))).first()


def list_users(session: Session, scope_id: int | None = None) -> list[User]:
    """Return the users, ordered by user name; with ``scope_id`` only those scoped inside that subtree."""
    query = select(User).order_by(User.username)
    if scope_id is not None:
        query = query.where(User.unit_id.in_(subtree_ids(session, scope_id)))
    return list(session.scalars(query))
