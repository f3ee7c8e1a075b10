"""Every answer rule of survey.domain.answers, with expected rows and scores worked out by hand."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from survey.domain.answer_values import INTEGER_LIMIT, TEXT_MAX_LENGTH
from survey.domain.answers import AnswerRow, AnswersInvalid, check_answers
from survey.domain.loader import load_text

DEFINITION = """
code: rules
version: "2026.1"
title: {vi: Kiểm tra quy tắc, en: Rule checks}
family: custom
choice_lists:
  five:
    - {value: 1, label: {vi: Một}}
    - {value: 2, label: {vi: Hai}}
    - {value: 3, label: {vi: Ba}}
    - {value: 4, label: {vi: Bốn}}
    - {value: 5, label: {vi: Năm}}
  reasons:
    - {value: waiting, label: {vi: Chờ lâu}}
    - {value: documents, label: {vi: Giấy tờ}}
    - {value: attitude, label: {vi: Thái độ}}
dimensions:
  code: rules
  label: {vi: Chỉ số}
  aggregate: mean
  children:
    - {code: main, label: {vi: Chính}, aggregate: share}
    - {code: extra, label: {vi: Phụ}, aggregate: mean}
sections:
  - code: s
    label: {vi: Phần}
    items:
      - {code: rating, type: likert5, choices: five, label: {vi: Đánh giá}, required: true,
         dimension: main, score: {satisfied: [4, 5]}}
      - {code: consent, type: yes_no, label: {vi: Đồng ý}, dimension: extra,
         score: {values: {"yes": 1, "no": 0}}}
      - {code: reason, type: choice, choices: reasons, label: {vi: Lý do}, relevant: "${rating} <= 3"}
      - {code: follow, type: text, label: {vi: Chi tiết}, required: true,
         relevant: "${reason} = 'attitude'"}
      - {code: problems, type: multi_choice, choices: reasons, label: {vi: Vấn đề},
         relevant: "${rating} <= 3", constraint: "count-selected(.) <= 2",
         constraint_message: {vi: Chọn tối đa hai, en: Choose at most two}}
      - {code: visits, type: integer, min: 1, max: 20, label: {vi: Số lần}, required: true}
      - {code: count, type: integer, label: {vi: Đếm}}
      - {code: wait_hours, type: decimal, min: 0, max: 48, label: {vi: Giờ chờ}, dimension: extra,
         score: {rescale: {min: 0, max: 48}, reverse: true}}
      - {code: visit_date, type: date, label: {vi: Ngày}, constraint: ". >= '2025-01-01'"}
      - {code: comment, type: text, label: {vi: Ý kiến}}
      - {code: phone, type: text, pii: true, label: {vi: Điện thoại}, relevant: "${consent} = 'yes'",
         constraint: "string-length(.) = 10"}
"""

RULES = load_text(DEFINITION, "rules.yaml")
VALID = {"rating": 5, "visits": 2}


def problems_of(answers: dict) -> list[tuple[str, str | None]]:
    """Return (code, item) of every problem check_answers reports."""
    with pytest.raises(AnswersInvalid) as caught:
        check_answers(RULES, answers)
    return [(p.code, p.item) for p in caught.value.problems]


def test_full_valid_response_gives_typed_rows_and_scores():
    checked = check_answers(RULES, {
        "rating": 2, "consent": "yes", "reason": "attitude", "follow": "rude",
        "problems": ["attitude", "waiting"], "visits": 3, "count": -7, "wait_hours": 12,
        "visit_date": "2026-03-01", "comment": "Cảm ơn", "phone": "0912345678",
    })
    assert checked.rows == (
        AnswerRow("rating", value_int=2, score=0.0),
        AnswerRow("consent", value_text="yes", score=1.0),
        AnswerRow("reason", value_text="attitude"),
        AnswerRow("follow", value_text="rude"),
        AnswerRow("problems", 0, value_text="waiting"),  # choice-list order, not the sent order
        AnswerRow("problems", 1, value_text="attitude"),
        AnswerRow("visits", value_int=3),
        AnswerRow("count", value_int=-7),
        AnswerRow("wait_hours", value_num=12.0, score=1 + 9 * (48 - 12) / 48),  # reversed: 7.75
        AnswerRow("visit_date", value_date=dt.date(2026, 3, 1)),
        AnswerRow("comment", value_text="Cảm ơn"),
    )
    assert dict(checked.pii) == {"phone": "0912345678"}
    assert "phone" not in {row.item_code for row in checked.rows}


def test_satisfied_scores_and_yes_no_values():
    rows = {r.item_code: r for r in check_answers(RULES, {"rating": 4, "consent": "no", "visits": 1}).rows}
    assert (rows["rating"].score, rows["consent"].score) == (1.0, 0.0)


@pytest.mark.parametrize("blank", [None, "", []])
def test_null_empty_string_and_empty_list_are_unanswered(blank):
    checked = check_answers(RULES, {**VALID, "comment": blank, "count": blank, "consent": blank})
    assert {r.item_code for r in checked.rows} == {"rating", "visits"}


def test_unknown_item():
    assert problems_of({**VALID, "ratng": 5}) == [("unknown_item", "ratng")]


@pytest.mark.parametrize(("item", "value"), [
    ("rating", "5"), ("rating", 4.0), ("rating", True), ("rating", [5]),
    ("consent", True), ("consent", 1), ("reason", 1), ("problems", "waiting"), ("problems", [1]),
    ("visits", 2.5), ("visits", "2"), ("visits", True), ("wait_hours", "1.5"), ("wait_hours", False),
    ("visit_date", 20260301), ("visit_date", "2026-02-30"), ("visit_date", "20260301"),
    ("visit_date", "2026-3-1"), ("comment", 5), ("comment", {"a": 1}),
    ("comment", "a\x00b"), ("comment", "bell\x07"), ("comment", "\ud800"),
])
def test_invalid_type(item, value):
    answers = {**VALID, "rating": 2, item: value} if item in ("reason", "problems") else {**VALID, item: value}
    assert problems_of(answers) == [("invalid_type", item)]


def test_text_keeps_tabs_and_newlines():
    checked = check_answers(RULES, {**VALID, "comment": "dòng 1\n\tdòng 2\r\n"})
    assert checked.rows[-1].value_text == "dòng 1\n\tdòng 2\r\n"


@pytest.mark.parametrize(("item", "value"), [
    ("rating", 0), ("rating", 6), ("consent", "maybe"), ("consent", "Yes"), ("reason", "other"),
    ("problems", ["waiting", "other"]), ("problems", ["waiting", "waiting"]),
])
def test_invalid_choice(item, value):
    answers = {**VALID, "rating": 2, item: value} if item in ("reason", "problems") else {**VALID, item: value}
    if item == "rating":
        answers = {"visits": 2, "rating": value}
    assert problems_of(answers) == [("invalid_choice", item)]


@pytest.mark.parametrize(("item", "value", "valid"), [
    ("visits", 0, False), ("visits", 1, True), ("visits", 20, True), ("visits", 21, False),
    ("wait_hours", -0.001, False), ("wait_hours", 0, True), ("wait_hours", 48.0, True),
    ("wait_hours", 48.0001, False), ("wait_hours", float("inf"), False), ("wait_hours", float("nan"), False),
    ("wait_hours", 10**400, False),
    ("count", INTEGER_LIMIT, True), ("count", -INTEGER_LIMIT, True),
    ("count", INTEGER_LIMIT + 1, False), ("count", -INTEGER_LIMIT - 1, False),
])
def test_numeric_bounds_are_inclusive(item, value, valid):
    answers = {**VALID, item: value}
    if valid:
        check_answers(RULES, answers)
    else:
        assert problems_of(answers) == [("out_of_range", item)]


def test_text_length_limit():
    check_answers(RULES, {**VALID, "comment": "x" * TEXT_MAX_LENGTH})
    assert problems_of({**VALID, "comment": "x" * (TEXT_MAX_LENGTH + 1)}) == [("too_long", "comment")]


def test_required_item_missing():
    assert problems_of({"rating": 5}) == [("required", "visits")]
    assert problems_of({"visits": 1, "rating": None}) == [("required", "rating")]


def test_required_only_when_relevant():
    check_answers(RULES, {**VALID, "rating": 2, "reason": "waiting"})  # follow not relevant
    assert problems_of({**VALID, "rating": 2, "reason": "attitude"}) == [("required", "follow")]


def test_answer_to_item_that_is_not_relevant_is_refused():
    assert problems_of({**VALID, "rating": 4, "reason": "waiting"}) == [("not_relevant", "reason")]
    assert problems_of({**VALID, "problems": ["waiting"]}) == [("not_relevant", "problems")]
    assert problems_of({**VALID, "consent": "no", "phone": "0912345678"}) == [("not_relevant", "phone")]


def test_not_relevant_wins_over_a_type_problem_of_the_same_item():
    assert problems_of({**VALID, "reason": 42}) == [("not_relevant", "reason")]


def test_relevance_follows_questionnaire_order_through_chains():
    # reason is hidden (rating 5), so later expressions see it as unanswered and follow is hidden too.
    assert problems_of({**VALID, "reason": "attitude", "follow": "x"}) == [
        ("not_relevant", "reason"), ("not_relevant", "follow"),
    ]


def test_constraint_with_the_versions_message():
    with pytest.raises(AnswersInvalid) as caught:
        check_answers(RULES, {**VALID, "rating": 1, "problems": ["waiting", "documents", "attitude"]})
    (problem,) = caught.value.problems
    assert (problem.code, problem.item) == ("constraint_failed", "problems")
    assert "Chọn tối đa hai" in problem.message_vi and "Choose at most two" in problem.message_en


def test_constraint_on_date_and_pii_text():
    assert problems_of({**VALID, "visit_date": "2024-12-31"}) == [("constraint_failed", "visit_date")]
    check_answers(RULES, {**VALID, "visit_date": "2025-01-01"})
    assert problems_of({**VALID, "consent": "yes", "phone": "12345"}) == [("constraint_failed", "phone")]


def test_constraint_is_not_checked_on_unanswered_items():
    check_answers(RULES, {**VALID, "consent": "yes"})  # phone unanswered: string-length('') = 10 not checked


def test_every_problem_is_reported_in_questionnaire_order():
    # rating 9 is invalid, so it counts as unanswered for reason's relevance: reason is hidden.
    assert problems_of({"zzz": 1, "rating": 9, "count": "x", "reason": "waiting", "comment": 3}) == [
        ("unknown_item", "zzz"), ("invalid_choice", "rating"), ("not_relevant", "reason"),
        ("required", "visits"), ("invalid_type", "count"), ("invalid_type", "comment"),
    ]


def test_problem_messages_are_bilingual_and_name_the_item():
    with pytest.raises(AnswersInvalid) as caught:
        check_answers(RULES, {"rating": 5})
    problem = caught.value.problems[0].to_dict()
    assert problem["code"] == "required" and problem["item"] == "visits"
    assert "bắt buộc" in problem["message"]["vi"] and "requires an answer" in problem["message"]["en"]


def test_the_answer_checker_imports_no_web_or_database():
    probe = (
        "import sys, survey.domain.answers; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
