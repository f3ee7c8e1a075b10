"""The demo catalogue: common procedures at commune one-stop centres (METHODOLOGY.md section 4).

The codes have the shape of the national public-service portal's procedure codes ("1.001193"), but
they are illustrative: do not rely on them matching the national database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.services import organisation


@dataclass(frozen=True)
class ServiceSpec:
    """A procedure with its share of a centre's transactions and its effect on satisfaction."""

    code: str
    field: str
    name_vi: str
    name_en: str
    share: float
    effect: float


SERVICES = (
    ServiceSpec("1.001193", "ho_tich", "Đăng ký khai sinh", "Birth registration", 0.14, 0.4),
    ServiceSpec("1.000894", "ho_tich", "Đăng ký kết hôn", "Marriage registration", 0.04, 0.5),
    ServiceSpec("1.004873", "ho_tich", "Cấp Giấy xác nhận tình trạng hôn nhân",
                "Certificate of marital status", 0.08, 0.2),
    ServiceSpec("1.000656", "ho_tich", "Đăng ký khai tử", "Death registration", 0.03, 0.3),
    ServiceSpec("2.000815", "chung_thuc", "Chứng thực bản sao từ bản chính",
                "Certified copy of an original document", 0.30, 0.6),
    ServiceSpec("2.000884", "chung_thuc", "Chứng thực chữ ký trong giấy tờ, văn bản",
                "Certification of a signature", 0.09, 0.5),
    ServiceSpec("2.001035", "chung_thuc", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản",
                "Certification of a contract or transaction on property", 0.05, 0.0),
    ServiceSpec("1.003003", "dat_dai", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
                "First registration of land and land-use rights certificate", 0.04, -0.9),
    ServiceSpec("1.004227", "dat_dai", "Đăng ký biến động quyền sử dụng đất",
                "Registration of changes in land-use rights", 0.06, -0.6),
    ServiceSpec("1.009994", "xay_dung", "Cấp giấy phép xây dựng nhà ở riêng lẻ",
                "Construction permit for a private house", 0.03, -0.7),
    ServiceSpec("2.000720", "kinh_doanh", "Đăng ký thành lập hộ kinh doanh",
                "Registration of a household business", 0.04, 0.1),
    ServiceSpec("1.001776", "xa_hoi", "Thực hiện trợ cấp xã hội hằng tháng",
                "Monthly social allowance", 0.03, -0.2),
    ServiceSpec("1.001022", "ho_tich", "Trích lục bản sao giấy tờ hộ tịch",
                "Copy extract of a civil status record", 0.07, 0.5),
)


def build(session: Session) -> dict[str, int]:
    """Add the catalogue through the organisation service; return code -> service id."""
    return {
        spec.code: organisation.create_service(
            session, code=spec.code, field=spec.field, name_vi=spec.name_vi, name_en=spec.name_en,
        ).id
        for spec in SERVICES
    }
