"""Demo staff, one per role, with fixed passwords that are printed whenever the demo starts.

The passwords are public (they are in this file): a demo database must never hold real data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.services import accounts, units

ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class DemoAccount:
    """A demo staff member; ``unit`` is the code of the unit subtree they work in (None: everything)."""

    username: str
    password: str
    role: str
    display_name: str
    unit: str | None


ACCOUNTS = (
    DemoAccount("quanly", "quanly-demo-2026", "unit_manager", "Trần Thị Quản Lý", "MH-01"),
    DemoAccount("phantich", "phantich-demo-2026", "analyst", "Lê Văn Phân Tích", "MH"),
    DemoAccount("giamsat", "giamsat-demo-2026", "supervisor", "Phạm Thị Giám Sát", "MH"),
    DemoAccount("dieutra", "dieutra-demo-2026", "enumerator", "Hoàng Văn Điều Tra", "MH"),
    # Created last: its presence marks a finished demo build (survey.demo.build.state).
    DemoAccount(ADMIN_USERNAME, "admin-demo-2026", "admin", "Nguyễn Văn Quản Trị", None),
)


def build_staff(session: Session) -> dict[str, int]:
    """Create every demo account but the admin; return username -> user id."""
    return {account.username: _create(session, account) for account in ACCOUNTS[:-1]}


def build_admin(session: Session) -> int:
    """Create the demo admin, the last step of a demo build; return its id."""
    return _create(session, ACCOUNTS[-1])


def _create(session: Session, account: DemoAccount) -> int:
    """Create one account through the accounts service."""
    unit_id = units.by_code(session, account.unit).id if account.unit else None
    return accounts.create_user(
        session, username=account.username, display_name=account.display_name,
        password=account.password, role=account.role, unit_id=unit_id,
    ).id
