"""Household listings made by enumerators on their tablets, and the listing status of every village.

A village needs a listing on the tablet when it has no respondents drawn and either no listing at all
or a supervisor marked it "to be listed". The tablet submits the households (head's name, address or
landmark, household size, optional phone) with a client UUID; the server stores them exactly as an
imported listing (names, addresses and phones in ``listing_personal``) and at once draws the
respondents with the survey's recorded seed. A retried submission with the same UUID changes nothing
and gets the same answer. Every function commits nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.db.accounts import Credential, User
from survey.db.base import utcnow
from survey.db.fieldwork import (
    FieldSurvey,
    FrameUnitRow,
    ListingMember,
    RespondentDraw,
    SampleSelection,
)
from survey.db.interviews import FieldAssignment, VillageListing
from survey.services import sampling
from survey.services.fieldwork import FieldworkError
from survey.services.fieldwork_scope import selection_visible, visible_selections, within

MAX_HOUSEHOLDS = 5000
NAME_MAX, ADDRESS_MAX = 200, 500
SIZE_RANGE = (1, 99)
PHONE = re.compile(r"^\+?[0-9 .-]{6,20}$")


@dataclass(frozen=True)
class ListingStatus:
    """A selected village's listing: where it came from, how many households, whether drawn."""

    selection_id: int
    village_code: str
    village_name: str
    enumerator: str
    status: str  # missing, to_list, imported, listed (on a tablet), drawn
    households: int
    source: str | None


def needs_listing(session: Session, selection_id: int) -> bool:
    """Whether a village waits for a tablet listing: nothing drawn, and no listing or marked to be listed."""
    if _count(session, RespondentDraw, selection_id):
        return False
    request = _request(session, selection_id)
    return not _count(session, ListingMember, selection_id) or (request is not None and request.status == "to_list")


def request_listing(session: Session, survey_code: str, village_code: str, *,
                    by: User | None = None) -> VillageListing:
    """Mark a selected village "to be listed" on the tablet of its enumerator."""
    survey = sampling.get_survey(session, survey_code)
    selection = sampling.last_stage_selection(session, survey, village_code)
    if not selection_visible(session, selection.id, by.unit_id if by else None):
        raise FieldworkError("forbidden", "địa bàn này nằm ngoài phạm vi của bạn",
                             "this village is outside your scope", 403)
    if _count(session, RespondentDraw, selection.id):
        raise FieldworkError("listing_drawn", f"{village_code}: đã rút người trả lời từ danh sách",
                             f"{village_code}: respondents were already drawn from its listing", 409)
    request = _request(session, selection.id)
    if request is None:
        request = VillageListing(survey_id=survey.id, selection_id=selection.id)
        session.add(request)
    request.status, request.requested_by, request.requested_at = "to_list", by.id if by else None, utcnow()
    session.flush()
    return request


def submit_listing(session: Session, credential: Credential, user: User, body: dict[str, Any]) -> dict[str, Any]:
    """Store a tablet's listing of an assigned village and draw its respondents; idempotent on client_uuid."""
    client_uuid = str(body.get("client_uuid") or "")
    if not client_uuid or len(client_uuid) > 36:
        raise FieldworkError("invalid_listing", "danh sách thiếu mã của máy", "the listing has no client_uuid")
    known = session.scalars(select(VillageListing).where(VillageListing.client_uuid == client_uuid)).first()
    if known is not None:
        return _receipt(session, known)
    survey = sampling.get_survey(session, str(body.get("survey") or ""))
    village_code = str(body.get("village_code") or "")
    selection = sampling.last_stage_selection(session, survey, village_code)
    if not session.scalars(select(FieldAssignment.id).where(
            FieldAssignment.selection_id == selection.id, FieldAssignment.enumerator_id == user.id)).first():
        raise FieldworkError("unknown_village", "địa bàn này không được giao cho bạn",
                             "this village is not assigned to you", 403)
    if not needs_listing(session, selection.id):
        raise FieldworkError("already_listed", f"{village_code}: địa bàn đã có danh sách",
                             f"{village_code}: the village already has a listing", 409)
    households = _households(body.get("households"))
    sampling.import_listing(session, survey, village_code, households, source="tablet")
    sampling.draw_village_respondents(session, survey, village_code)
    listing = _request(session, selection.id)
    if listing is None:
        listing = VillageListing(survey_id=survey.id, selection_id=selection.id)
        session.add(listing)
    listing.status, listing.client_uuid, listing.credential_id = "listed", client_uuid, credential.id
    listing.households, listing.submitted_at = len(households), utcnow()
    session.flush()
    return _receipt(session, listing)


def listing_statuses(session: Session, survey_code: str, scope_unit_id: int | None = None) -> list[ListingStatus]:
    """Return the listing status of every selected village within the scope, in frame order."""
    survey = sampling.get_survey(session, survey_code)
    visible = visible_selections(session, survey, scope_unit_id)
    members = (select(ListingMember.selection_id, func.count().label("n"), func.min(ListingMember.source)
                      .label("source")).group_by(ListingMember.selection_id).subquery())
    drawn = select(RespondentDraw.selection_id).distinct()
    query = (select(SampleSelection.id, FrameUnitRow.code, FrameUnitRow.name, User.username, members.c.n,
                    members.c.source, SampleSelection.id.in_(drawn), VillageListing.status)
             .join(FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id)
             .outerjoin(members, members.c.selection_id == SampleSelection.id)
             .outerjoin(FieldAssignment, FieldAssignment.selection_id == SampleSelection.id)
             .outerjoin(User, FieldAssignment.enumerator_id == User.id)
             .outerjoin(VillageListing, VillageListing.selection_id == SampleSelection.id)
             .where(SampleSelection.survey_id == survey.id,
                    SampleSelection.stage == len(sampling.design_of(survey).stages))
             .order_by(FrameUnitRow.position))
    return [ListingStatus(selection_id, code, name, username or "", _status(n, source, is_drawn, request),
                          n or 0, source)
            for selection_id, code, name, username, n, source, is_drawn, request in session.execute(query).all()
            if within(visible, selection_id)]


def _status(members: int | None, source: str | None, drawn: bool, request: str | None) -> str:
    """Return a village's listing status from its members, draw and request."""
    if drawn:
        return "drawn"
    if request == "to_list":
        return "to_list"
    if members:
        return "listed" if source == "tablet" else "imported"
    return "missing"


def _households(value: Any) -> list[tuple[str, str | None, int, str | None]]:
    """Return the validated households of a submitted listing as (name, address, size, phone)."""
    if not isinstance(value, list) or not 0 < len(value) <= MAX_HOUSEHOLDS:
        raise FieldworkError("invalid_listing", f"danh sách phải có từ 1 đến {MAX_HOUSEHOLDS} hộ",
                             f"a listing has 1 to {MAX_HOUSEHOLDS} households", 422)
    return [_household(number, entry) for number, entry in enumerate(value, start=1)]


def _household(number: int, entry: Any) -> tuple[str, str | None, int, str | None]:
    """Return one validated household, or raise naming its line."""
    entry = entry if isinstance(entry, dict) else {}
    name = str(entry.get("head_name") or "").strip()
    address = str(entry.get("address") or "").strip() or None
    phone = str(entry.get("phone") or "").strip() or None
    size = entry.get("household_size")
    if not name or len(name) > NAME_MAX:
        _refuse(number, "thiếu tên chủ hộ hoặc quá dài", "the head's name is missing or too long")
    if address is not None and len(address) > ADDRESS_MAX:
        _refuse(number, "địa chỉ quá dài", "the address is too long")
    if not isinstance(size, int) or isinstance(size, bool) or not SIZE_RANGE[0] <= size <= SIZE_RANGE[1]:
        _refuse(number, f"số nhân khẩu phải từ {SIZE_RANGE[0]} đến {SIZE_RANGE[1]}",
                f"the household size must be {SIZE_RANGE[0]} to {SIZE_RANGE[1]}")
    if phone is not None and not PHONE.match(phone):
        _refuse(number, "số điện thoại không hợp lệ", "the phone number is not valid")
    return name, address, size, phone


def _refuse(number: int, vi: str, en: str) -> None:
    """Refuse a listing because of one of its households."""
    raise FieldworkError("invalid_listing", f"hộ {number}: {vi}", f"household {number}: {en}", 422)


def _receipt(session: Session, listing: VillageListing) -> dict[str, Any]:
    """Return what the tablet is told about a stored listing."""
    survey = session.get(FieldSurvey, listing.survey_id)
    village = session.get(FrameUnitRow, session.get(SampleSelection, listing.selection_id).frame_unit_id)
    return {"status": "listed", "client_uuid": listing.client_uuid, "survey": survey.code,
            "village_code": village.code, "households": listing.households,
            "drawn": _count(session, RespondentDraw, listing.selection_id)}


def _request(session: Session, selection_id: int) -> VillageListing | None:
    """Return the listing record of a village, if any."""
    return session.scalars(select(VillageListing).where(VillageListing.selection_id == selection_id)).first()


def _count(session: Session, model, selection_id: int) -> int:
    """Return how many rows of ``model`` a selection has."""
    return session.scalar(select(func.count()).select_from(model).where(model.selection_id == selection_id))
