"""Content of the bundled questionnaires: wording in all four; SIPAS, policy aspect and kiosk structure.

The expected structures come from METHODOLOGY.md (sections 2 and 4) and the issue, not from the
files: the SIPAS 4/5/6/3/4 criteria, the nine policy groups, the kiosk's five elements.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pytest

from survey.domain.document import to_document
from survey.domain.expressions import evaluate, truthy
from survey.domain.loader import load_file
from survey.domain.xlsform_export import write_xlsform
from survey.domain.xlsform_import import import_xlsform

CODES = ("kiosk", "sipas", "sipas-policy", "papi")
PLACEHOLDER = re.compile(
    r"\b(todo|fixme|tbd|xxx+|lorem|ipsum|placeholder|dummy|foo|bar)\b"
    r"|\b(indicator|item|question|criterion|chỉ số|câu hỏi|tiêu chí)\s*\d+\b",
    re.IGNORECASE,
)
SATISFACTION_VI = ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng")
POLICY_GROUPS = ("econ", "health", "edu", "water", "power", "order", "roads", "welfare", "reform")
POLICY_ELEMENTS = ("accountability", "participation", "quality", "impact")


def labels_of(q):
    """Yield (where, Labels) for every label a respondent or analyst reads."""
    yield "title", q.title
    for node in q.dimensions.walk():
        yield f"dimension {node.code}", node.label
    for section in q.sections:
        yield f"section {section.code}", section.label
    for item in q.items:
        yield f"item {item.code}", item.label
        for extra in (item.hint, item.constraint_message):
            if extra is not None:
                yield f"item {item.code} hint/message", extra
        for choice in item.choices:
            yield f"item {item.code} choice {choice.value}", choice.label


def normalised(text: str) -> str:
    """Return text folded for comparing wording."""
    return " ".join(text.casefold().split())


# ---------------------------------------------------------------------------------------------
# All four: wording


@pytest.mark.parametrize("code", CODES)
def test_file_is_nfc_and_loads_at_its_path(bundled_path, code):
    text = bundled_path(code).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    q = load_file(bundled_path(code))
    assert (q.code, q.version) == (code, "2026.1")


def test_survives_the_xlsform_round_trip(questionnaire):
    workbook = io.BytesIO()
    write_xlsform(questionnaire, workbook)
    workbook.seek(0)
    imported = import_xlsform(workbook, "bundled.xlsx")
    assert imported.warnings == ()
    assert to_document(imported.questionnaire) == to_document(questionnaire)


def test_every_label_has_distinct_vietnamese_and_english(questionnaire):
    for where, label in labels_of(questionnaire):
        vi, en = label.texts.get("vi"), label.texts.get("en")
        assert vi and en, where
        # Proper names may coincide (the Kinh people); sentences never should.
        if len(vi.split()) > 1:
            assert normalised(vi) != normalised(en), where


def test_vietnamese_has_diacritics_and_english_has_none(questionnaire):
    for item in questionnaire.items:
        vi, en = item.label.texts["vi"], item.label.texts["en"]
        assert any(ord(ch) > 127 for ch in vi), f"{item.code}: Vietnamese without diacritics: {vi}"
        marks = [ch for ch in unicodedata.normalize("NFD", en) if unicodedata.combining(ch)]
        assert not marks and "đ" not in en.casefold(), f"{item.code}: English with diacritics: {en}"


def test_no_placeholder_text(questionnaire):
    for where, label in labels_of(questionnaire):
        for text in label.texts.values():
            assert not PLACEHOLDER.search(text), f"{where}: {text}"


def test_no_two_items_share_wording(questionnaire):
    for language in ("vi", "en"):
        seen: dict[str, str] = {}
        for item in questionnaire.items:
            key = normalised(item.label.texts[language])
            assert key not in seen, f"{item.code} repeats {seen.get(key)} ({language}): {key}"
            seen[key] = item.code


def test_choice_labels_are_distinct_within_an_item(questionnaire):
    for item in questionnaire.items:
        for language in ("vi", "en"):
            texts = [normalised(c.label.texts[language]) for c in item.choices]
            assert len(set(texts)) == len(texts), (item.code, language)


def test_only_the_kiosk_phone_is_personal_data(questionnaire):
    pii = [item.code for item in questionnaire.items if item.pii]
    assert pii == (["phone"] if questionnaire.code == "kiosk" else [])


# ---------------------------------------------------------------------------------------------
# SIPAS


def test_sipas_has_five_elements_and_22_criteria_split_4_5_6_3_4(sipas):
    root = sipas.dimensions
    assert (root.code, root.aggregate) == ("sipas", "mean")
    elements = [child.code for child in root.children]
    assert elements == ["access", "procedures", "staff", "result", "feedback"]
    assert all(child.aggregate == "share" for child in root.children)
    criteria = {
        element: [i.code for i in sipas.items
                  if i.section == element and i.role == "assessment" and i.type == "likert5"]
        for element in elements
    }
    assert [len(codes) for codes in criteria.values()] == [4, 5, 6, 3, 4]
    assert all(sipas.item(code).score is None for codes in criteria.values() for code in codes)


def test_sipas_element_sections_have_satisfaction_and_expectation(sipas):
    for node in sipas.dimensions.children:
        section = [i for i in sipas.items if i.section == node.code]
        satisfaction = [i for i in section if i.role == "satisfaction"]
        expectation = [i for i in section if i.role == "expectation"]
        assert [i.code for i in satisfaction] == list(node.items)
        assert satisfaction[0].type == "likert5" and satisfaction[0].score.satisfied == (4, 5)
        assert [c.label.texts["vi"] for c in satisfaction[0].choices] == list(SATISFACTION_VI)
        assert len(expectation) == 1 and expectation[0].type == "multi_choice"


def test_sipas_declares_the_overall_item_alternative(sipas, bundled_path):
    (alternative,) = sipas.dimensions.alternatives
    assert (alternative.code, alternative.aggregate, alternative.items) == (
        "overall_item", "share", ("overall_satisfaction",)
    )
    overall = sipas.item("overall_satisfaction")
    assert overall.score.satisfied == (4, 5) and overall.dimension is None
    raw = bundled_path("sipas").read_text(encoding="utf-8")
    assert "METHODOLOGY.md" in raw and "82.66" in raw  # the comment pointing at the warning


def test_sipas_background(sipas):
    values = {i.code: [c.value for c in i.choices] for i in sipas.items if i.role == "background"}
    assert values["sex"] == ["male", "female"]
    assert values["age_group"] == ["age_18_25", "age_26_35", "age_36_50", "age_51_60", "over_60"]
    assert values["ethnicity"] == ["kinh", "other"]
    assert len(values["education"]) >= 4
    assert {"civil_status", "land", "construction", "certification"} <= set(values["service_field"])


def test_sipas_feedback_handling_only_for_those_who_gave_feedback(sipas):
    relevant = sipas.item("feedback_satisfaction").relevant
    assert truthy(evaluate(relevant.tree, {"feedback_given": "yes"}))
    assert not truthy(evaluate(relevant.tree, {"feedback_given": "no"}))


def test_sipas_expectations_allow_at_most_two_choices(sipas):
    constraint = sipas.item("staff_expectation").constraint
    assert truthy(evaluate(constraint.tree, {}, current=["attitude", "guidance"]))
    assert not truthy(evaluate(constraint.tree, {}, current=["attitude", "guidance", "competence"]))


# ---------------------------------------------------------------------------------------------
# SIPAS policy aspect


def test_policy_asks_four_elements_for_nine_groups(policy):
    root = policy.dimensions
    assert root.aggregate == "mean"
    assert [(c.code, c.aggregate) for c in root.children] == [(e, "share") for e in POLICY_ELEMENTS]
    for node in root.children:
        assert set(node.items) == {f"{group}_{node.code}" for group in POLICY_GROUPS}
        for code in node.items:
            item = policy.item(code)
            assert item.type == "likert5" and item.score.satisfied == (4, 5)
            assert [c.label.texts["vi"] for c in item.choices] == list(SATISFACTION_VI)


def test_policy_extra_measures_are_unscored(policy):
    assert [c.value for c in policy.item("harassment").choices] == ["none", "some", "many"]
    assert policy.item("opinion_channels").type == "multi_choice"
    assert policy.item("policy_interest").type == "multi_choice"
    for code in ("harassment", "opinion_channels", "opinion_willing", "policy_interest"):
        assert policy.item(code).score is None and policy.item(code).dimension is None


# ---------------------------------------------------------------------------------------------
# Kiosk


def test_kiosk_overall_rating_and_tree(kiosk):
    rating = kiosk.item("overall_rating")
    assert rating.type == "likert5" and rating.required and rating.score.satisfied == (4, 5)
    assert [c.label.texts["vi"] for c in rating.choices] == list(SATISFACTION_VI)
    root = kiosk.dimensions
    assert [(c.code, c.aggregate, c.items) for c in root.children] == [
        ("overall", "share", ("overall_rating",))
    ]


@pytest.mark.parametrize(("rating", "asked"), [(1, True), (3, True), (4, False), (5, False)])
def test_kiosk_asks_what_went_wrong_on_a_rating_of_three_or_less(kiosk, rating, asked):
    for code in ("problem_elements", "comment"):
        relevant = kiosk.item(code).relevant
        assert truthy(evaluate(relevant.tree, {"overall_rating": rating})) is asked


def test_kiosk_problem_elements_are_the_five_sipas_elements(kiosk):
    item = kiosk.item("problem_elements")
    assert item.type == "multi_choice"
    assert [c.value for c in item.choices] == ["access", "procedures", "staff", "result", "feedback"]
    assert kiosk.item("comment").type == "text" and kiosk.item("comment").role == "comment"


def test_kiosk_phone_is_asked_only_with_consent(kiosk):
    phone = kiosk.item("phone")
    assert phone.pii and phone.type == "text"
    assert truthy(evaluate(phone.relevant.tree, {"callback_consent": "yes"}))
    assert not truthy(evaluate(phone.relevant.tree, {"callback_consent": "no"}))
    assert not truthy(evaluate(phone.relevant.tree, {}))


@pytest.mark.parametrize(
    ("number", "accepted"),
    [
        ("0912345678", True),
        ("0398765432", True),
        ("0243825888", True),  # a Hanoi landline
        ("091234567", False),  # nine digits
        ("09123456789", False),  # eleven digits
        ("1912345678", False),  # no leading 0
        ("0012345678", False),  # second digit 0: no such number
        ("09123a5678", False),
        ("0912 34567", False),
        ("2026-01-01", False),  # a date is a number of days for the language
    ],
)
def test_kiosk_phone_constraint(kiosk, number, accepted):
    constraint = kiosk.item("phone").constraint
    assert truthy(evaluate(constraint.tree, {"callback_consent": "yes"}, current=number)) is accepted
