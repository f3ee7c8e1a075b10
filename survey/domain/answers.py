"""Check the answers of one response against a frozen questionnaire version; build typed answer rows.

The rules, in the order they are applied (every problem is reported, not only the first):

1. every key must be an item code of the version (``unknown_item``);
2. every answer must have its item's type (``invalid_type``), be one of its choices
   (``invalid_choice``), lie within its bounds (``out_of_range``) and, for text, not be too long
   (``too_long``); ``null``, ``""`` and ``[]`` mean "no answer";
3. ``relevant`` is evaluated item by item in questionnaire order; an item that is not relevant is
   dropped from the answers later expressions see, and an answer to it is refused (``not_relevant``);
4. a relevant ``required`` item must be answered (``required``);
5. a relevant answered item must satisfy its ``constraint``, with ``.`` = the answer
   (``constraint_failed``). As in ODK, a constraint is never checked on an unanswered item.

Expression semantics are those of docs/expressions.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from survey.domain.answer_values import AnswerProblem, is_unanswered, read_value
from survey.domain.expressions import evaluate, truthy
from survey.domain.model import Item, Questionnaire

__all__ = ["AnswerProblem", "AnswerRow", "AnswersInvalid", "CheckedAnswers", "check_answers"]


@dataclass(frozen=True)
class AnswerRow:
    """One typed answer value: the content of an ``answers`` row (one per selected option)."""

    item_code: str
    seq: int = 0
    value_int: int | None = None
    value_num: float | None = None
    value_text: str | None = None
    value_date: dt.date | None = None
    score: float | None = None


@dataclass(frozen=True)
class CheckedAnswers:
    """Valid answers: typed rows of ordinary items, text of personal-data items, and the values."""

    rows: tuple[AnswerRow, ...]
    pii: Mapping[str, str]
    values: Mapping[str, Any]


class AnswersInvalid(ValueError):
    """The answers break at least one rule; ``problems`` lists every problem in questionnaire order."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message_en for p in self.problems))


def check_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> CheckedAnswers:
    """Return the checked, typed answers of one response, or raise AnswersInvalid with every problem."""
    items = questionnaire.items
    codes = {item.code for item in items}
    problems: list[AnswerProblem] = [_unknown(code) for code in answers if code not in codes]
    found: dict[str, AnswerProblem] = {}
    values: dict[str, Any] = {}
    for item in items:
        raw = answers.get(item.code)
        if is_unanswered(raw):
            continue
        value = read_value(item, raw)
        if isinstance(value, AnswerProblem):
            found[item.code] = value
        else:
            values[item.code] = value
    relevant = _apply_relevance(items, answers, values, found)
    for item in items:
        if item.code in found or not relevant[item.code]:
            continue
        if item.code not in values:
            if item.required:
                found[item.code] = _required(item)
        elif item.constraint is not None and not truthy(
            evaluate(item.constraint.tree, values, current=values[item.code])
        ):
            found[item.code] = _constraint_failed(item)
    problems.extend(found[item.code] for item in items if item.code in found)
    if problems:
        raise AnswersInvalid(problems)
    return _checked(items, values)


def _apply_relevance(
    items: tuple[Item, ...], answers: Mapping[str, Any], values: dict[str, Any],
    found: dict[str, AnswerProblem],
) -> dict[str, bool]:
    """Evaluate ``relevant`` in order, dropping values of items that are not relevant.

    An answer sent for an item that is not relevant replaces any other problem of that item with
    ``not_relevant``: the client should not have sent it at all.
    """
    relevant: dict[str, bool] = {}
    for item in items:
        shown = item.relevant is None or truthy(evaluate(item.relevant.tree, values))
        relevant[item.code] = shown
        if not shown:
            values.pop(item.code, None)
            if not is_unanswered(answers.get(item.code)):
                found[item.code] = _not_relevant(item)
    return relevant


def _checked(items: tuple[Item, ...], values: dict[str, Any]) -> CheckedAnswers:
    """Turn valid values into typed rows (personal data apart) with scores."""
    rows: list[AnswerRow] = []
    pii: dict[str, str] = {}
    for item in items:
        if item.code not in values:
            continue
        value = values[item.code]
        if item.pii:
            pii[item.code] = _as_text(value)
        else:
            rows.extend(_rows(item, value))
    return CheckedAnswers(tuple(rows), MappingProxyType(pii), MappingProxyType(dict(values)))


def _rows(item: Item, value: Any) -> list[AnswerRow]:
    """Return the answer rows of one item: one per selected option for multiple choice."""
    if item.type == "multi_choice":
        order = {code: index for index, code in enumerate(item.choice_values())}
        return [
            AnswerRow(item.code, seq, value_text=code)
            for seq, code in enumerate(sorted(value, key=order.__getitem__))
        ]
    score = item.score.apply(value) if item.score is not None else None
    if item.type in ("likert5", "integer"):
        return [AnswerRow(item.code, value_int=value, score=score)]
    if item.type == "decimal":
        return [AnswerRow(item.code, value_num=float(value), score=score)]
    if item.type == "date":
        return [AnswerRow(item.code, value_date=dt.date.fromisoformat(value), score=score)]
    return [AnswerRow(item.code, value_text=value, score=score)]


def _as_text(value: Any) -> str:
    """Write a personal-data answer as text (codes of a multiple choice separated by spaces)."""
    if isinstance(value, list):
        return " ".join(value)
    return value if isinstance(value, str) else repr(value)


def _unknown(code: str) -> AnswerProblem:
    """Describe an answer to an item the version does not have."""
    return AnswerProblem(
        "unknown_item", code, f"Phiên bản bảng hỏi này không có câu '{code}'.",
        f"This questionnaire version has no item '{code}'.",
    )


def _not_relevant(item: Item) -> AnswerProblem:
    """Describe an answer to an item that its skip logic hides."""
    return AnswerProblem(
        "not_relevant", item.code,
        f"Câu '{item.code}' không áp dụng với các câu trả lời trước ({item.relevant.text}) nên không được trả lời.",
        f"Item '{item.code}' does not apply given the other answers ({item.relevant.text}) and must not be answered.",
    )


def _required(item: Item) -> AnswerProblem:
    """Describe a missing answer to a required item."""
    return AnswerProblem(
        "required", item.code, f"Câu '{item.code}' bắt buộc phải trả lời.",
        f"Item '{item.code}' requires an answer.",
    )


def _constraint_failed(item: Item) -> AnswerProblem:
    """Describe an answer that breaks the item's constraint, with the version's own message if any."""
    message = item.constraint_message
    vi = message.get("vi") if message else f"câu trả lời không thỏa điều kiện {item.constraint.text}."
    en = message.get("en") if message else f"the answer does not satisfy {item.constraint.text}."
    return AnswerProblem(
        "constraint_failed", item.code, f"Câu '{item.code}': {vi}", f"Item '{item.code}': {en}"
    )
