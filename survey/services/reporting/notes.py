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
    "Phiếu khảo sát được tính với trọng số bằng nhau, mỗi phiếu là một đơn vị mẫu (chưa có trọng số "
    "thiết kế); khoảng tin cậy 95 % theo phân phối t, phương sai tuyến tính hóa Taylor. / Responses "
    "are weighted equally, each response its own sampling unit (no design weights); 95 % t intervals "
    "with Taylor-linearised variances."
)


DESIGN_NOTE = (
    "Phiếu khảo sát hộ gia đình được gia quyền bằng trọng số cuối cùng của cuộc khảo sát (xác suất "
    "chọn, điều chỉnh không trả lời, hiệu chỉnh); phương sai tuyến tính hóa Taylor theo tầng và đơn "
    "vị mẫu cấp 1 (chọn có hoàn lại); khoảng tin cậy 95 % theo phân phối t với bậc tự do thiết kế. / "
    "Household responses carry the survey's final weights (selection probability, nonresponse "
    "adjustment, calibration); Taylor-linearised variances by stratum and primary sampling unit "
    "(with replacement); 95 % t intervals with the design degrees of freedom."
)


def notes_for(filters: Filters, structure: IndexStructure,
              weighting: tuple[int, int] | None = None, non_probability: bool = True
              ) -> tuple[str, ...]:
    """Return the notes that apply to a table of ``structure`` under ``filters``.

    ``weighting`` is (responses with design weights, responses) for survey indices;
    ``non_probability`` whether the figures rest on kiosk or QR ratings.
    """
    notes = []
    if non_probability:
        notes.append(NON_PROBABILITY_NOTE)
    if structure.kind.rating:
        notes.append(WILSON_NOTE)
    elif weighting is not None and weighting[1] > 0 and weighting[0] == weighting[1]:
        notes.append(DESIGN_NOTE)
    else:
        weighted, total = weighting or (0, 0)
        notes.append(EQUAL_WEIGHTS_NOTE + (
            f" ({weighted} / {total} phiếu có trọng số: chỉ dùng trọng số khi mọi phiếu đều có / "
            f"{weighted} of {total} responses have weights: weights are used only when all do)"
            if weighted else ""))
    notes.append(SUPPRESSION_RULE)
    return tuple(notes)
