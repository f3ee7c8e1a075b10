"""The explanations printed with every table: data kind, weighting, interval method, suppression."""

from __future__ import annotations

from survey.services.reporting.cells import SUPPRESSION_RULE
from survey.services.reporting.filters import Filters
from survey.services.reporting.structure import IndexStructure

NON_PROBABILITY_NOTE = (
    "Dữ liệu từ thiết bị đánh giá và mã QR không phải là mẫu xác suất: người đánh giá tự chọn tham "
    "gia, nên kết quả chỉ phản ánh những người đã đánh giá. Tỷ lệ bao phủ = số lượt đánh giá ÷ số hồ "
    "sơ đã giải quyết. / Kiosk and QR ratings are not a probability sample: raters select themselves, "
    "so the results describe those who rated. Coverage = ratings ÷ transactions processed."
)
WILSON_NOTE = (
    "Khoảng tin cậy 95 % theo phương pháp Wilson, coi mỗi lượt đánh giá là độc lập. / 95 % Wilson "
    "intervals, treating every rating as independent."
)
EQUAL_WEIGHTS_NOTE = (
    "Phiếu khảo sát hộ gia đình hiện được tính với trọng số bằng nhau, mỗi phiếu là một đơn vị mẫu "
    "(chưa có trọng số thiết kế); khoảng tin cậy 95 % theo phân phối t, phương sai tuyến tính hóa "
    "Taylor. / Household responses are currently weighted equally, each response its own sampling "
    "unit (no design weights yet); 95 % t intervals with Taylor-linearised variances."
)


def notes_for(filters: Filters, structure: IndexStructure) -> tuple[str, ...]:
    """Return the notes that apply to a table of ``structure`` under ``filters``."""
    notes = []
    if filters.non_probability:
        notes.append(NON_PROBABILITY_NOTE)
    notes.append(WILSON_NOTE if structure.kind.rating else EQUAL_WEIGHTS_NOTE)
    notes.append(SUPPRESSION_RULE)
    return tuple(notes)
