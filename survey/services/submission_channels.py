"""Step 3 of a submission: authenticate the channel's credential and check its unit scope.

| channel   | credential                                        |
|-----------|---------------------------------------------------|
| kiosk     | a kiosk_device bearer token                       |
| interview | an enumerator_device bearer token                 |
| web       | a logged-in, active staff user (not an analyst)   |
| qr        | whatever the QR feature registers with            |
|           | ``register_channel_authenticator("qr", fn)``      |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from survey.db.accounts import User
from survey.services.submission_errors import SubmissionError

if TYPE_CHECKING:
    from survey.services.submission_cache import SubmitCache, UnitLink
    from survey.services.submission_payload import Submission

WEB_ROLES = ("admin", "unit_manager", "supervisor", "enumerator")


@dataclass(frozen=True)
class Caller:
    """Who is calling: a bearer token (device or QR) and/or a logged-in staff member."""

    token: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Flag:
    """An integrity flag to store with a response; ``uncounted`` keeps it out of the indices."""

    name: str
    detail: str
    uncounted: bool = False


@dataclass(frozen=True)
class ChannelAuth:
    """An accepted credential: who submits, the unit subtree it may submit for, flags it raises."""

    scope_unit_id: int | None
    credential_id: int | None = None
    user_id: int | None = None
    flags: tuple[Flag, ...] = ()


Authenticator = Callable[[Session, "Submission", Caller, dt.datetime], ChannelAuth]


def register_channel_authenticator(channel: str, authenticator: Authenticator) -> None:
    """Make ``authenticator`` decide who may submit through ``channel``.

    It is called as ``authenticator(session, submission, caller, now)`` inside the submission's
    transaction (so a single-use token can be spent there by a unique insert) and returns a
    ChannelAuth or raises SubmissionError.
    """
    _AUTHENTICATORS[channel] = authenticator


def authenticate(
    session: Session, submission: Submission, caller: Caller, chain: tuple[UnitLink, ...], now: dt.datetime,
    cache: SubmitCache,
) -> ChannelAuth:
    """Authenticate the submission's channel and check that it may submit for the unit.

    ``chain`` is the unit and its ancestors: the unit is in scope if the scope's root is among them.
    The device channels find their credential through ``cache``.
    """
    authenticator = _AUTHENTICATORS.get(submission.channel)
    if authenticator is None:
        raise SubmissionError("channel_unavailable", field="channel")
    if isinstance(authenticator, DeviceAuthenticator):
        auth = authenticator(session, submission, caller, now, cache)
    else:
        auth = authenticator(session, submission, caller, now)
    if auth.scope_unit_id is not None and all(unit.id != auth.scope_unit_id for unit in chain):
        raise SubmissionError("unit_out_of_scope", field="unit")
    return auth


class DeviceAuthenticator:
    """The authenticator of a device channel whose bearer token is of one kind."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(
        self, session: Session, submission: Submission, caller: Caller, now: dt.datetime,
        cache: SubmitCache,
    ) -> ChannelAuth:
        """Accept a live token; a rating made before the device was revoked is kept, uncounted."""
        if not caller.token:
            raise SubmissionError("missing_credential")
        credential = cache.credential(session, caller.token, (self.kind,))
        if credential is None:
            raise SubmissionError("invalid_credential")
        flags: tuple[Flag, ...] = ()
        if credential.revoked_at is not None:
            if submission.submitted_at >= credential.revoked_at:
                raise SubmissionError("credential_revoked")
            flags = (Flag(
                "credential_revoked", f"revoked at {credential.revoked_at.isoformat()}", uncounted=True
            ),)
        return ChannelAuth(credential.unit_id, credential_id=credential.id, flags=flags)


def _staff(session: Session, submission: Submission, caller: Caller, now: dt.datetime) -> ChannelAuth:
    """Accept an active staff member whose role may enter responses, within the user's units."""
    if caller.user_id is None:
        raise SubmissionError("missing_credential")
    user = session.get(User, caller.user_id)
    if user is None or not user.active:
        raise SubmissionError("invalid_credential")
    if user.role not in WEB_ROLES:
        raise SubmissionError("role_forbidden")
    return ChannelAuth(user.unit_id, user_id=user.id)


_AUTHENTICATORS: dict[str, Authenticator] = {
    "kiosk": DeviceAuthenticator("kiosk_device"),
    "interview": DeviceAuthenticator("enumerator_device"),
    "web": _staff,
}
