"""Read one JSON answer as the value of its item's type, or say in vi/en why it is not one."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from survey.domain.model import Item

# answers.value_int is a 32-bit INTEGER column on PostgreSQL: larger integers cannot be stored.
INTEGER_LIMIT = 2**31 - 1
TEXT_MAX_LENGTH = 4000
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# C0 controls other than tab, LF and CR, and DEL: PostgreSQL refuses NUL, the rest is never typed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class AnswerProblem:
    """One thing wrong with the answers: a stable code, the item (or None) and messages in vi/en."""

    code: str
    item: str | None
    message_vi: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON error form used by the API."""
        return {
            "code": self.code, "item": self.item,
            "message": {"vi": self.message_vi, "en": self.message_en},
        }


def is_unanswered(raw: Any) -> bool:
    """Whether a JSON answer means "no answer": null, an empty string or an empty list."""
    return raw is None or raw == "" or raw == []


def read_value(item: Item, raw: Any) -> Any:
    """Return ``raw`` as a value of ``item``'s type, or an AnswerProblem.

    likert5 -> int among the choice values; choice -> str among them; multi_choice -> list of distinct
    str among them; yes_no -> "yes" | "no"; integer -> int; decimal -> float (finite); text -> str;
    date -> "YYYY-MM-DD" of a real calendar day. Numbers within ``min``/``max`` (inclusive).
    """
    reader = _READERS[item.type]
    return reader(item, raw)


def _problem(item: Item, code: str, vi: str, en: str) -> AnswerProblem:
    """Build a problem about ``item``."""
    return AnswerProblem(code, item.code, f"Câu '{item.code}': {vi}", f"Item '{item.code}': {en}")


def _wrong_type(item: Item, vi: str, en: str, raw: Any) -> AnswerProblem:
    """Describe an answer of the wrong JSON type."""
    return _problem(
        item, "invalid_type", f"câu trả lời phải là {vi}, không phải {_json_type(raw)}.",
        f"the answer must be {en}, not {_json_type(raw)}.",
    )


def _json_type(raw: Any) -> str:
    """Name the JSON type of a value."""
    if isinstance(raw, bool):
        return "boolean"
    if isinstance(raw, int | float):
        return "number"
    if isinstance(raw, str):
        return "string"
    if isinstance(raw, list):
        return "array"
    if isinstance(raw, dict):
        return "object"
    return "null"


def _is_int(raw: Any) -> bool:
    """Whether a JSON value is an integer (booleans are not)."""
    return isinstance(raw, int) and not isinstance(raw, bool)


def _not_a_choice(item: Item, raw: Any) -> AnswerProblem:
    """Describe a value that is not one of the item's choices."""
    allowed = ", ".join(str(v) for v in item.choice_values())
    return _problem(
        item, "invalid_choice", f"giá trị {raw!r} không có trong các lựa chọn ({allowed}).",
        f"{raw!r} is not one of the choices ({allowed}).",
    )


def _likert(item: Item, raw: Any) -> Any:
    """Read a point of a 5-point scale."""
    if not _is_int(raw):
        return _wrong_type(item, "một số nguyên từ 1 đến 5", "a whole number from 1 to 5", raw)
    return raw if raw in item.choice_values() else _not_a_choice(item, raw)


def _choice(item: Item, raw: Any) -> Any:
    """Read one code of a choice list (or yes/no)."""
    if not isinstance(raw, str):
        return _wrong_type(item, "một mã lựa chọn (chuỗi)", "a choice code (string)", raw)
    return raw if raw in item.choice_values() else _not_a_choice(item, raw)


def _multi_choice(item: Item, raw: Any) -> Any:
    """Read a list of distinct choice codes."""
    if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
        return _wrong_type(item, "một danh sách mã lựa chọn", "a list of choice codes", raw)
    for code in raw:
        if code not in item.choice_values():
            return _not_a_choice(item, code)
    if len(set(raw)) != len(raw):
        return _problem(
            item, "invalid_choice", "một lựa chọn được chọn hai lần.", "a choice is selected twice."
        )
    return list(raw)


def _integer(item: Item, raw: Any) -> Any:
    """Read a whole number within the item's bounds."""
    if not _is_int(raw):
        return _wrong_type(item, "một số nguyên", "a whole number", raw)
    return _within_bounds(item, raw)


def _decimal(item: Item, raw: Any) -> Any:
    """Read a finite number within the item's bounds."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return _wrong_type(item, "một số", "a number", raw)
    try:
        number = float(raw)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        return _problem(item, "out_of_range", "số quá lớn.", "the number is too large.")
    return _within_bounds(item, number)


def _within_bounds(item: Item, number: float) -> Any:
    """Return ``number`` if it lies within min/max (and a storable integer range), else a problem."""
    low, high = item.min, item.max
    if item.type == "integer":
        low = -INTEGER_LIMIT if low is None else max(low, -INTEGER_LIMIT)
        high = INTEGER_LIMIT if high is None else min(high, INTEGER_LIMIT)
    if (low is None or number >= low) and (high is None or number <= high):
        return number
    bounds_vi = " và ".join(
        text for text in (low is not None and f"≥ {low:g}", high is not None and f"≤ {high:g}") if text
    )
    bounds_en = " and ".join(
        text for text in (low is not None and f">= {low:g}", high is not None and f"<= {high:g}") if text
    )
    return _problem(
        item, "out_of_range", f"giá trị {number:g} nằm ngoài khoảng cho phép (phải {bounds_vi}).",
        f"{number:g} is out of range (must be {bounds_en}).",
    )


def _text(item: Item, raw: Any) -> Any:
    """Read free text: storable UTF-8 without control characters, at most TEXT_MAX_LENGTH long."""
    if not isinstance(raw, str):
        return _wrong_type(item, "một chuỗi văn bản", "text", raw)
    if len(raw) > TEXT_MAX_LENGTH:
        return _problem(
            item, "too_long", f"văn bản dài quá {TEXT_MAX_LENGTH} ký tự.",
            f"the text is longer than {TEXT_MAX_LENGTH} characters.",
        )
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return _problem(
            item, "invalid_type", "văn bản chứa ký tự Unicode không hợp lệ.",
            "the text contains invalid Unicode (a lone surrogate).",
        )
    if _CONTROL.search(raw):
        return _problem(
            item, "invalid_type", "văn bản chứa ký tự điều khiển.", "the text contains control characters."
        )
    return raw


def _date(item: Item, raw: Any) -> Any:
    """Read an ISO calendar date YYYY-MM-DD."""
    if not isinstance(raw, str):
        return _wrong_type(item, "một ngày dạng YYYY-MM-DD", "a date as YYYY-MM-DD", raw)
    if _DATE.fullmatch(raw):
        try:
            dt.date.fromisoformat(raw)
            return raw
        except ValueError:
            pass
    return _problem(
        item, "invalid_type", f"{raw!r} không phải là ngày hợp lệ dạng YYYY-MM-DD.",
        f"{raw!r} is not a valid date written YYYY-MM-DD.",
    )


_READERS = {
    "likert5": _likert,
    "choice": _choice,
    "yes_no": _choice,
    "multi_choice": _multi_choice,
    "integer": _integer,
    "decimal": _decimal,
    "text": _text,
    "date": _date,
}
