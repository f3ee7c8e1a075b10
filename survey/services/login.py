"""Password login throttled per user name and per client address, with counters in the database.

Every attempt is counted before the password is checked, so concurrent guesses cannot slip past the
limit; a successful login clears its user name's counter. The lock applies to any user name typed,
known or not, so the answer never tells whether an account exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.db.accounts import User
from survey.services import ratelimit
from survey.services.accounts import authenticate, normalise_username


@dataclass(frozen=True)
class LoginLimits:
    """Attempts allowed per user name and per client address in one window."""

    per_username: int = 5
    per_address: int = 50
    window_seconds: int = 900


@dataclass(frozen=True)
class LoginResult:
    """The user logged in (None when refused) and, when locked out, the seconds to wait."""

    user: User | None
    retry_after: int = 0

    @property
    def locked(self) -> bool:
        """Whether the attempt was refused by the rate limit, unchecked."""
        return self.retry_after > 0


def username_key(username: str) -> str:
    """Return the rate-limit key of a user name."""
    return f"login:user:{normalise_username(username)[:64]}"


def login(
    session: Session, username: str, password: str, address: str, limits: LoginLimits = LoginLimits(),
    now: dt.datetime | None = None,
) -> LoginResult:
    """Count the attempt, then check the password unless the user name or address is locked out."""
    decisions = [
        ratelimit.hit(session, username_key(username), limits.per_username, limits.window_seconds, now),
        ratelimit.hit(session, f"login:addr:{address[:128]}", limits.per_address,
                      limits.window_seconds, now),
    ]
    refused = [d.retry_after for d in decisions if not d.allowed]
    if refused:
        return LoginResult(None, max(refused))
    user = authenticate(session, username, password)
    if user is not None:
        ratelimit.reset(session, username_key(username))
    return LoginResult(user)
