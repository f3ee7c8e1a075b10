"""Record audited actions in the audit log, in the caller's transaction.

A service calls ``record(session, action, target_type, target_id, unit_id=..., details=...)`` next to
the change it audits; the entry is added to the same session, so it is committed with the action or
rolled back with it. Who acted comes from the actor set for the current context: the web layer sets
one per request (the logged-in user or an anonymous visitor, the request id and remote address);
anywhere else it is the command line, ``cli:<OS user>``. Details never hold secrets or personal data: keys that name them are refused.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.db.accounts import User
from survey.db.audit import AuditEntry

# Stable action codes with their Vietnamese and English labels (the admin page's filter).
ACTIONS: dict[str, tuple[str, str]] = {
    "questionnaire.publish": ("Công bố bảng hỏi", "Questionnaire published"),
    "kiosk.create": ("Tạo máy đánh giá", "Kiosk created"),
    "kiosk.pairing_code": ("Tạo mã ghép máy", "Kiosk pairing code created"),
    "kiosk.pair": ("Ghép máy đánh giá", "Kiosk paired"),
    "kiosk.move": ("Chuyển máy sang đơn vị khác", "Kiosk moved"),
    "kiosk.revoke": ("Thu hồi máy đánh giá", "Kiosk revoked"),
    "tablet.enrolment_code": ("Tạo mã đăng ký máy tính bảng", "Tablet enrolment code created"),
    # Enrolling a tablet again revokes its previous token (details: revoked_credential_id).
    "tablet.enrol": ("Đăng ký máy tính bảng", "Tablet enrolled"),
    "api_key.create": ("Tạo khoá API", "API key created"),
    "api_key.revoke": ("Thu hồi khoá API", "API key revoked"),
    "user.create": ("Tạo tài khoản", "User created"),
    "user.role": ("Đổi vai trò hoặc đơn vị", "Role or unit changed"),
    "user.deactivate": ("Khoá tài khoản", "User deactivated"),
    "user.activate": ("Mở lại tài khoản", "User activated"),
    "user.password": ("Đặt lại mật khẩu", "Password reset"),
    "export.responses": ("Xuất dữ liệu", "Responses exported"),
    "case.acknowledge": ("Tiếp nhận phản ánh", "Case acknowledged"),
    "case.answer": ("Trả lời phản ánh", "Case answered"),
    "case.communicate": ("Báo kết quả cho người dân", "Answer communicated"),
    "case.close": ("Đóng phản ánh", "Case closed"),
    "target.set": ("Đặt chỉ tiêu", "Target set"),
    "target.delete": ("Xoá chỉ tiêu", "Target deleted"),
    "publication.publish": ("Công khai kết quả", "Results published"),
    "publication.unpublish": ("Thôi công khai kết quả", "Results withdrawn"),
    "privacy.purge": ("Xoá dữ liệu cá nhân hết hạn lưu", "Expired personal data purged"),
}

# Details are for codes, counts and filters: a key that names a secret or personal data is a bug.
FORBIDDEN_DETAIL_KEYS = frozenset({
    "password", "token", "pin", "secret", "pairing_code", "enrolment_code", "phone", "name",
    "display_name", "address", "comment", "answer_text",
})


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff user, a device or API credential, the command line, or an anonymous visitor."""

    kind: str
    name: str
    user_id: int | None = None
    credential_id: int | None = None
    request_id: str | None = None
    remote_addr: str | None = None


_provider: ContextVar[Callable[[], Actor] | None] = ContextVar("hailong_audit_actor", default=None)


def cli_actor() -> Actor:
    """Return the actor of a command run from a shell: ``cli:<OS user>``."""
    return Actor("cli", f"cli:{getpass.getuser()}")


def set_actor(provider: Callable[[], Actor] | None):
    """Set the actor provider of the current context; return the token that ``reset_actor`` takes."""
    return _provider.set(provider)


def reset_actor(token) -> None:
    """Restore the actor provider that was current before ``set_actor``."""
    _provider.reset(token)


def current_actor() -> Actor:
    """Return the actor of the current context; outside a web request that is the command line."""
    provider = _provider.get()
    return provider() if provider is not None else cli_actor()


def record(session: Session, action: str, target_type: str, target_id: object = None, *,
           unit_id: int | None = None, details: Mapping[str, object] | None = None,
           by: User | None = None) -> AuditEntry:
    """Add an audit entry for ``action`` on the target to the session (committed with the action).

    ``by`` names the staff member a service was told acts; otherwise the context's actor is used.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action: {action}")
    details = dict(details or {})
    leaked = sorted(key for key in details if key in FORBIDDEN_DETAIL_KEYS)
    if leaked:
        raise ValueError(f"audit details may not hold secrets or personal data: {', '.join(leaked)}")
    who = current_actor()
    if by is not None and who.user_id != by.id:
        who = Actor("user", by.username, user_id=by.id, request_id=who.request_id, remote_addr=who.remote_addr)
    entry = AuditEntry(
        actor_kind=who.kind, actor_name=who.name[:128], actor_user_id=who.user_id,
        actor_credential_id=who.credential_id, action=action, target_type=target_type,
        target_id=None if target_id is None else str(target_id), unit_id=unit_id,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        request_id=who.request_id, remote_addr=who.remote_addr,
    )
    session.add(entry)
    return entry
