"""The demo province "Tỉnh Minh Họa": a dozen communes and wards, their centres, counters and a merger.

All names are generic Vietnamese place names used for illustration; the codes are hailong's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.services import organisation

PROVINCE_CODE = "MH"
PROVINCE_NAME = ("Tỉnh Minh Họa", "Minh Hoa Province (demo)")
# Mon-Fri 7:30-11:30 and 13:30-17:00, Saturday morning: the usual one-stop hours.
OPENING_HOURS = {
    **{day: [["07:30", "11:30"], ["13:30", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [["07:30", "11:30"]],
}
# The 2025 reorganisation took effect on 1 July 2025 (districts abolished, communes merged).
MERGER_DATE = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class CommuneSpec:
    """A commune or ward of the demo: its size, how well it serves citizens and its counters.

    ``volume`` scales its daily transactions; ``quality`` shifts its satisfaction (ordered-logit
    location, 0 = average); ``trend`` is the change of ``quality`` over the demo year; ``coverage``
    is the share of transactions that end in a kiosk rating.
    """

    number: int
    kind: str
    name_vi: str
    name_en: str
    volume: float
    quality: float
    trend: float
    coverage: float
    counters: int

    @property
    def code(self) -> str:
        """Return the unit code, e.g. MH-03."""
        return f"{PROVINCE_CODE}-{self.number:02d}"


COMMUNES = (
    CommuneSpec(1, "ward", "Phường Đồng Tâm", "Dong Tam Ward", 1.6, 0.3, 0.0, 0.55, 3),
    CommuneSpec(2, "ward", "Phường Quang Trung", "Quang Trung Ward", 1.5, 1.3, 0.0, 0.65, 3),
    CommuneSpec(3, "ward", "Phường An Phú", "An Phu Ward", 1.3, 0.2, 0.0, 0.45, 3),
    CommuneSpec(4, "ward", "Phường Minh Khai", "Minh Khai Ward", 1.2, -1.2, 0.0, 0.35, 2),
    CommuneSpec(5, "commune", "Xã Tân Lập", "Tan Lap Commune", 1.0, -1.0, 2.0, 0.40, 2),
    CommuneSpec(6, "commune", "Xã Thanh Sơn", "Thanh Son Commune", 0.8, 0.4, 0.0, 0.60, 2),
    CommuneSpec(7, "commune", "Xã Phú Lộc", "Phu Loc Commune", 0.7, 0.1, 0.0, 0.50, 2),
    CommuneSpec(8, "commune", "Xã Hưng Thịnh", "Hung Thinh Commune", 0.7, 1.1, 0.0, 0.66, 2),
    CommuneSpec(9, "commune", "Xã Bình Minh", "Binh Minh Commune", 0.6, 0.0, 0.0, 0.34, 2),
    CommuneSpec(10, "commune", "Xã Yên Hòa", "Yen Hoa Commune", 0.6, -0.4, 0.0, 0.45, 2),
    CommuneSpec(11, "commune", "Xã Sơn Thủy", "Son Thuy Commune", 0.5, 0.5, 0.0, 0.55, 2),
    CommuneSpec(12, "commune", "Xã Đông Hưng", "Dong Hung Commune", 0.5, -0.1, 0.0, 0.50, 2),
)
# Ward 1 was formed on MERGER_DATE from two communes of a district that the reorganisation abolished.
FORMER_DISTRICT = ("MH-H1", "Huyện Đông Sơn (cũ)", "Dong Son District (former)")
FORMER_COMMUNES = (
    ("MH-X101", "Xã Đồng Lạc (cũ)", "Dong Lac Commune (former)"),
    ("MH-X102", "Xã Tâm Hưng (cũ)", "Tam Hung Commune (former)"),
)


@dataclass(frozen=True)
class Place:
    """A commune of the built province with the ids the generators need."""

    spec: CommuneSpec
    unit_id: int
    centre_code: str
    counter_codes: tuple[str, ...]
    counter_ids: tuple[int, ...]


def build(session: Session) -> tuple[int, list[Place]]:
    """Create the province tree through the organisation service; return its id and the communes."""
    province = organisation.create_unit(
        session, code=PROVINCE_CODE, kind="province", name_vi=PROVINCE_NAME[0], name_en=PROVINCE_NAME[1],
    )
    places = [_commune(session, province.id, spec) for spec in COMMUNES]
    _former_units(session, province.id, places[0].unit_id)
    return province.id, places


def _commune(session: Session, province_id: int, spec: CommuneSpec) -> Place:
    """Create one commune or ward with its service centre and counters."""
    valid_from = MERGER_DATE if spec.number == 1 else None
    commune = organisation.create_unit(
        session, code=spec.code, kind=spec.kind, name_vi=spec.name_vi, name_en=spec.name_en,
        parent_id=province_id, valid_from=valid_from,
    )
    centre = organisation.create_unit(
        session, code=f"{spec.code}-TT", kind="service_centre",
        name_vi=f"Bộ phận Một cửa {spec.name_vi}", name_en=f"One-stop centre, {spec.name_en}",
        parent_id=commune.id, opening_hours=OPENING_HOURS, valid_from=valid_from,
    )
    counters = [
        organisation.create_unit(
            session, code=f"{spec.code}-Q{n}", kind="counter", name_vi=f"Quầy số {n}",
            name_en=f"Counter {n}", parent_id=centre.id, valid_from=valid_from,
        )
        for n in range(1, spec.counters + 1)
    ]
    return Place(spec, commune.id, centre.code, tuple(c.code for c in counters), tuple(c.id for c in counters))


def _former_units(session: Session, province_id: int, ward_id: int) -> None:
    """Record the abolished district and the two communes that merged into ward 1."""
    code, name_vi, name_en = FORMER_DISTRICT
    ended = MERGER_DATE - dt.timedelta(days=1)
    district = organisation.create_unit(
        session, code=code, kind="district", name_vi=name_vi, name_en=name_en, parent_id=province_id,
        valid_to=ended,
    )
    for code, name_vi, name_en in FORMER_COMMUNES:
        former = organisation.create_unit(
            session, code=code, kind="commune", name_vi=name_vi, name_en=name_en, parent_id=district.id,
        )
        organisation.add_predecessor(session, ward_id, former.id, MERGER_DATE)
