"""Refusals of the submission service: a stable code, an HTTP status and messages in vi and en."""

from __future__ import annotations

from typing import Any

from survey.domain.answer_values import AnswerProblem

# code -> (HTTP status, Vietnamese message, English message). The codes are part of the API contract
# (docs/api.md); a message may be refined, a code never changes meaning.
CODES: dict[str, tuple[int, str, str]] = {
    "malformed_json": (400, "Nội dung gửi lên không phải JSON hợp lệ.", "The request body is not valid JSON."),
    "invalid_payload": (
        400, "Mỗi phiếu phải là một đối tượng JSON.", "Each response must be a JSON object.",
    ),
    "missing_field": (400, "Thiếu trường bắt buộc.", "A required field is missing."),
    "invalid_field": (400, "Trường có giá trị không hợp lệ.", "A field has an invalid value."),
    "unknown_field": (400, "Trường không được hỗ trợ.", "The payload has a field the API does not know."),
    "invalid_uuid": (
        400, "Mã phiếu (uuid) phải là UUID theo RFC 4122.", "The uuid must be an RFC 4122 UUID.",
    ),
    "invalid_timestamp": (
        400, "Thời điểm phải theo ISO 8601 và có múi giờ.",
        "Timestamps must be ISO 8601 with a UTC offset.",
    ),
    "batch_too_large": (
        413, "Một lô gửi quá nhiều phiếu.", "The batch holds more responses than allowed.",
    ),
    "payload_too_large": (413, "Nội dung gửi lên quá lớn.", "The request body is too large."),
    "not_found": (404, "Không có địa chỉ API này.", "There is no such API address."),
    "method_not_allowed": (
        405, "Địa chỉ API này không nhận phương thức HTTP đó.", "This API address does not accept that HTTP method.",
    ),
    "missing_credential": (
        401, "Thiếu thông tin xác thực của kênh gửi.", "The channel's credential is missing.",
    ),
    "invalid_credential": (
        401, "Thông tin xác thực không hợp lệ cho kênh này.",
        "The credential is not valid for this channel.",
    ),
    "credential_revoked": (
        401, "Thiết bị đã bị thu hồi trước thời điểm đánh giá.",
        "The credential was revoked before this rating was made.",
    ),
    "channel_unavailable": (
        403, "Kênh gửi này chưa được bật trên máy chủ.", "This channel is not available on this server.",
    ),
    "role_forbidden": (
        403, "Vai trò của tài khoản không được nhập phiếu.", "This account's role may not submit responses.",
    ),
    "unit_out_of_scope": (
        403, "Thông tin xác thực không có quyền gửi phiếu cho đơn vị này.",
        "The credential may not submit for this unit.",
    ),
    "uuid_conflict": (
        409, "Mã phiếu (uuid) đã được dùng cho một phiếu có nội dung khác.",
        "This uuid was already used by a response with different content.",
    ),
    "unknown_questionnaire": (
        422, "Không có bảng hỏi hoặc phiên bản này.", "No such questionnaire or version.",
    ),
    "unpublished_version": (
        422, "Phiên bản bảng hỏi này chưa được ban hành.", "This questionnaire version is not published.",
    ),
    "unknown_unit": (422, "Không có đơn vị với mã này.", "No unit has this code."),
    "unknown_service": (422, "Không có thủ tục với mã này.", "No service has this code."),
    "unknown_supersedes": (
        422, "Không có phiếu nào với mã được thay thế.", "No stored response has the superseded uuid.",
    ),
    "database_unavailable": (
        503, "Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít giây.",
        "The system cannot reach its database for the moment. Please try again in a few seconds.",
    ),
    "clock_skew": (
        422, "Thời điểm gửi phiếu ở tương lai: hãy kiểm tra đồng hồ của thiết bị.",
        "submitted_at is in the future: check the device's clock.",
    ),
}


class SubmissionError(Exception):
    """A refused submission: nothing was stored.

    ``item`` names the questionnaire item at fault (answer problems), ``field`` the payload field
    (payload problems); ``errors`` lists every answer problem of a 422 refusal of the answers.
    """

    def __init__(
        self, code: str, detail_vi: str | None = None, detail_en: str | None = None, *,
        item: str | None = None, field: str | None = None, http_status: int | None = None,
        errors: tuple[AnswerProblem, ...] = (), retry_after: int | None = None,
    ) -> None:
        status, message_vi, message_en = CODES.get(code, (422, "", ""))
        self.code = code
        self.retry_after = retry_after  # seconds, for a 429's Retry-After header
        self.http_status = http_status or status
        self.item = item
        self.field = field
        self.message_vi = " ".join(part for part in (message_vi, detail_vi) if part)
        self.message_en = " ".join(part for part in (message_en, detail_en) if part)
        self.errors = errors
        super().__init__(f"{code}: {self.message_en}")

    @classmethod
    def from_problems(cls, problems: tuple[AnswerProblem, ...]) -> SubmissionError:
        """Return the 422 refusal of invalid answers: the first problem on top, all of them listed."""
        first = problems[0]
        error = cls(first.code, item=first.item, http_status=422, errors=problems)
        error.message_vi, error.message_en = first.message_vi, first.message_en
        return error

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON error body: {"error": {code, item, field, message: {vi, en}, errors}}."""
        return {"error": {
            "code": self.code, "item": self.item, "field": self.field,
            "message": {"vi": self.message_vi, "en": self.message_en},
            "errors": [problem.to_dict() for problem in self.errors],
        }}
