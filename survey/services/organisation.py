"""Manage the organisation: units (with their place in the tree, opening hours and predecessors) and
the catalogue of services.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.organisation import UNIT_KINDS, Service, Unit, UnitPredecessor
from survey.domain import opening_hours
from survey.services.errors import ServiceError
from survey.services.units import subtree_ids

# The kinds a unit of each kind may sit under (None: at the top of the tree).
PARENT_KINDS: dict[str, tuple[str | None, ...]] = {
    "province": (None,),
    "district": ("province",),
    "commune": ("province", "district"),
    "ward": ("province", "district"),
    "service_centre": ("province", "district", "commune", "ward"),
    "counter": ("service_centre",),
}
# Fields of administrative procedures: code -> (Vietnamese, English).
FIELDS: dict[str, tuple[str, str]] = {
    "ho_tich": ("Hộ tịch", "Civil status"),
    "chung_thuc": ("Chứng thực", "Certification"),
    "dat_dai": ("Đất đai", "Land"),
    "xay_dung": ("Xây dựng", "Construction"),
    "kinh_doanh": ("Đăng ký kinh doanh", "Business registration"),
    "xa_hoi": ("Bảo trợ xã hội", "Social protection"),
    "cu_tru": ("Cư trú", "Residence"),
    "khac": ("Khác", "Other"),
}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


class OrganisationError(ServiceError):
    """A change to units or services that cannot be made; ``field`` names the offending input."""


@dataclass
class TreeNode:
    """A unit with its children, for display."""

    unit: Unit
    children: list[TreeNode] = field(default_factory=list)


def _check_code(code: str) -> str:
    """Return a stripped unit or service code, or raise."""
    code = (code or "").strip()
    if not _CODE.match(code):
        raise OrganisationError(
            "invalid_code", "Mã chỉ gồm chữ cái, chữ số, '.', '_' hoặc '-', tối đa 32 ký tự.",
            "A code has letters, digits, '.', '_' or '-' only, at most 32 characters.", "code",
        )
    return code


def _check_name(name_vi: str) -> str:
    """Return a stripped Vietnamese name, or raise when it is empty."""
    name_vi = (name_vi or "").strip()
    if not name_vi:
        raise OrganisationError("name_required", "Cần có tên tiếng Việt.", "A Vietnamese name is needed.",
                                "name_vi")
    return name_vi


def _check_parent(session: Session, kind: str, parent_id: int | None) -> None:
    """Refuse a parent whose kind cannot hold a unit of ``kind``."""
    if kind not in UNIT_KINDS:
        raise OrganisationError("invalid_kind", f"Loại đơn vị không hợp lệ: {kind!r}.",
                                f"Unknown unit kind {kind!r}.", "kind")
    parent = session.get(Unit, parent_id) if parent_id is not None else None
    if parent_id is not None and parent is None:
        raise OrganisationError("unknown_parent", "Không có đơn vị cấp trên này.",
                                "No such parent unit.", "parent_id")
    if (parent.kind if parent else None) not in PARENT_KINDS[kind]:
        allowed = ", ".join(k or "—" for k in PARENT_KINDS[kind])
        raise OrganisationError(
            "invalid_parent", f"Đơn vị loại {kind} chỉ nằm dưới: {allowed}.",
            f"A unit of kind {kind} can only sit under: {allowed}.", "parent_id",
        )


def _hours_json(hours: Mapping | None) -> str | None:
    """Return validated opening hours as stored JSON (None when not given)."""
    if hours is None:
        return None
    try:
        return json.dumps(opening_hours.validate(hours), separators=(",", ":"))
    except opening_hours.OpeningHoursError as error:
        raise OrganisationError("invalid_opening_hours", error.message_vi, error.message_en,
                                f"hours_{error.day}") from error


def _check_dates(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    """Refuse a validity that ends before it starts."""
    if valid_from and valid_to and valid_to < valid_from:
        raise OrganisationError("invalid_dates", "Ngày kết thúc phải sau ngày bắt đầu.",
                                "The end date must come after the start date.", "valid_to")


def _code_taken(session: Session, model, code: str, own_id: int | None) -> bool:
    """Whether another row of ``model`` already uses ``code``."""
    other = session.scalars(select(model.id).where(model.code == code)).first()
    return other is not None and other != own_id


def _apply_unit(session: Session, unit: Unit, values: dict) -> Unit:
    """Validate ``values`` and write them to ``unit``."""
    code = _check_code(values["code"])
    if _code_taken(session, Unit, code, unit.id):
        raise OrganisationError("code_taken", f"Mã {code} đã được dùng.", f"Code {code} is taken.", "code")
    _check_parent(session, values["kind"], values.get("parent_id"))
    _check_dates(values.get("valid_from"), values.get("valid_to"))
    unit.code, unit.kind = code, values["kind"]
    unit.name_vi = _check_name(values["name_vi"])
    unit.name_en = (values.get("name_en") or "").strip() or None
    unit.parent_id = values.get("parent_id")
    unit.opening_hours = _hours_json(values.get("opening_hours"))
    unit.valid_from, unit.valid_to = values.get("valid_from"), values.get("valid_to")
    return unit


def create_unit(
    session: Session, *, code: str, kind: str, name_vi: str, name_en: str | None = None,
    parent_id: int | None = None, opening_hours: Mapping | None = None,
    valid_from: dt.date | None = None, valid_to: dt.date | None = None,
) -> Unit:
    """Create a unit under ``parent_id`` after checking its code, kind, parent, hours and dates."""
    unit = _apply_unit(session, Unit(), {
        "code": code, "kind": kind, "name_vi": name_vi, "name_en": name_en, "parent_id": parent_id,
        "opening_hours": opening_hours, "valid_from": valid_from, "valid_to": valid_to,
    })
    session.add(unit)
    session.flush()
    return unit


def update_unit(
    session: Session, unit_id: int, *, code: str, kind: str, name_vi: str, name_en: str | None = None,
    parent_id: int | None = None, opening_hours: Mapping | None = None,
    valid_from: dt.date | None = None, valid_to: dt.date | None = None,
) -> Unit:
    """Replace a unit's attributes; its children must still fit under its (possibly new) kind."""
    unit = get_unit(session, unit_id)
    _apply_unit(session, unit, {
        "code": code, "kind": kind, "name_vi": name_vi, "name_en": name_en, "parent_id": parent_id,
        "opening_hours": opening_hours, "valid_from": valid_from, "valid_to": valid_to,
    })
    for child in unit.children:
        if kind not in PARENT_KINDS[child.kind]:
            raise OrganisationError(
                "invalid_kind", f"Đơn vị con {child.code} không thể nằm dưới loại {kind}.",
                f"Child unit {child.code} cannot sit under a unit of kind {kind}.", "kind",
            )
    session.flush()
    return unit


def get_unit(session: Session, unit_id: int) -> Unit:
    """Return the unit with ``unit_id`` or raise."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise OrganisationError("unknown_unit", "Không có đơn vị này.", "No such unit.")
    return unit


def hours_of(unit: Unit) -> dict[str, opening_hours.Intervals]:
    """Return the unit's opening hours (empty when none are recorded)."""
    return json.loads(unit.opening_hours) if unit.opening_hours else {}


def unit_tree(session: Session, root_id: int | None = None) -> list[TreeNode]:
    """Return the units as trees ordered by code: all roots, or the subtree of ``root_id``."""
    units = session.scalars(select(Unit)).all()
    nodes = {unit.id: TreeNode(unit) for unit in units}
    roots: list[TreeNode] = []
    for unit in sorted(units, key=lambda u: u.code):
        parent = nodes.get(unit.parent_id)
        (parent.children if parent else roots).append(nodes[unit.id])
    return [nodes[root_id]] if root_id is not None else roots


def units_in(session: Session, scope_id: int | None) -> list[Unit]:
    """Return the units of a subtree (None: all units), ordered by code."""
    query = select(Unit).order_by(Unit.code)
    if scope_id is not None:
        query = query.where(Unit.id.in_(subtree_ids(session, scope_id)))
    return list(session.scalars(query))


def add_predecessor(
    session: Session, unit_id: int, predecessor_id: int, effective_date: dt.date, *,
    end_predecessor: bool = True,
) -> UnitPredecessor:
    """Record that ``predecessor_id`` merged into ``unit_id`` on ``effective_date``.

    With ``end_predecessor`` the predecessor's validity ends the day before, unless it already ends.
    """
    unit, predecessor = get_unit(session, unit_id), get_unit(session, predecessor_id)
    if unit.id == predecessor.id:
        raise OrganisationError("invalid_predecessor", "Một đơn vị không thể là tiền thân của chính nó.",
                                "A unit cannot be its own predecessor.", "predecessor_id")
    if unit.id in _all_predecessors(session, predecessor.id):
        raise OrganisationError("invalid_predecessor", "Quan hệ tiền thân tạo thành vòng lặp.",
                                "The predecessor relation would form a cycle.", "predecessor_id")
    existing = session.scalars(select(UnitPredecessor).where(
        UnitPredecessor.unit_id == unit.id, UnitPredecessor.predecessor_id == predecessor.id
    )).first()
    if existing is not None:
        raise OrganisationError("duplicate_predecessor", "Tiền thân này đã được ghi.",
                                "This predecessor is already recorded.", "predecessor_id")
    link = UnitPredecessor(unit_id=unit.id, predecessor_id=predecessor.id, effective_date=effective_date)
    session.add(link)
    if end_predecessor and predecessor.valid_to is None:
        predecessor.valid_to = effective_date - dt.timedelta(days=1)
    session.flush()
    return link


def _all_predecessors(session: Session, unit_id: int) -> set[int]:
    """Return the ids of every unit that merged, directly or through others, into ``unit_id``."""
    links = session.execute(select(UnitPredecessor.unit_id, UnitPredecessor.predecessor_id)).all()
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        for successor, predecessor in links:
            if successor == current and predecessor not in found:
                found.add(predecessor)
                stack.append(predecessor)
    return found


def remove_predecessor(session: Session, unit_id: int, predecessor_id: int) -> None:
    """Delete a predecessor link recorded by mistake (the predecessor's dates are left as they are)."""
    link = session.scalars(select(UnitPredecessor).where(
        UnitPredecessor.unit_id == unit_id, UnitPredecessor.predecessor_id == predecessor_id
    )).first()
    if link is None:
        raise OrganisationError("unknown_predecessor", "Không có quan hệ tiền thân này.",
                                "No such predecessor link.")
    session.delete(link)
    session.flush()


def predecessors_of(session: Session, unit_id: int) -> list[tuple[UnitPredecessor, Unit]]:
    """Return the unit's direct predecessors with their links, by effective date."""
    rows = session.execute(
        select(UnitPredecessor, Unit).join(Unit, Unit.id == UnitPredecessor.predecessor_id)
        .where(UnitPredecessor.unit_id == unit_id)
        .order_by(UnitPredecessor.effective_date, Unit.code)
    ).all()
    return [(link, unit) for link, unit in rows]


def _apply_service(session: Session, service: Service, values: dict) -> Service:
    """Validate ``values`` and write them to ``service``."""
    code = _check_code(values["code"])
    if _code_taken(session, Service, code, service.id):
        raise OrganisationError("code_taken", f"Mã {code} đã được dùng.", f"Code {code} is taken.", "code")
    if values["field"] not in FIELDS:
        raise OrganisationError("invalid_field", f"Lĩnh vực không hợp lệ: {values['field']!r}.",
                                f"Unknown field {values['field']!r}.", "field")
    service.code, service.field = code, values["field"]
    service.name_vi = _check_name(values["name_vi"])
    service.name_en = (values.get("name_en") or "").strip() or None
    service.active = values.get("active", True)
    return service


def create_service(
    session: Session, *, code: str, field: str, name_vi: str, name_en: str | None = None,
    active: bool = True,
) -> Service:
    """Add an administrative procedure to the catalogue."""
    service = _apply_service(session, Service(), {
        "code": code, "field": field, "name_vi": name_vi, "name_en": name_en, "active": active
    })
    session.add(service)
    session.flush()
    return service


def update_service(
    session: Session, service_id: int, *, code: str, field: str, name_vi: str,
    name_en: str | None = None, active: bool = True,
) -> Service:
    """Replace a service's attributes (a retired service is made inactive, never deleted)."""
    service = session.get(Service, service_id)
    if service is None:
        raise OrganisationError("unknown_service", "Không có thủ tục này.", "No such service.")
    _apply_service(session, service, {
        "code": code, "field": field, "name_vi": name_vi, "name_en": name_en, "active": active
    })
    session.flush()
    return service


def list_services(session: Session, *, active_only: bool = False) -> list[Service]:
    """Return the services ordered by field and code."""
    query = select(Service).order_by(Service.field, Service.code)
    if active_only:
        query = query.where(Service.active.is_(True))
    return list(session.scalars(query))
