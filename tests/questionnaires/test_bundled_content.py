"""Content of the four bundled questionnaires: wording, structure, scoring bounds and skip logic.

The expected structures come from METHODOLOGY.md (sections 2-4) and the issue, not from the files:
the 28 PAPI sub-dimensions per dimension, the SIPAS 4/5/6/3/4 criteria, the nine policy groups,
the kiosk's five elements. Scores are checked against closed forms of the PAPI rescaling
1 + 9 (x - min) / (max - min).
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest

from survey.domain.document import to_document
from survey.domain.expressions import evaluate, truthy
from survey.domain.loader import load_file
from survey.domain.xlsform_export import write_xlsform
from survey.domain.xlsform_import import import_xlsform
from survey.resources import bundled

CODES = ("kiosk", "sipas", "sipas-policy", "papi")
PLACEHOLDER = re.compile(
    r"\b(todo|fixme|tbd|xxx+|lorem|ipsum|placeholder|dummy|foo|bar)\b"
    r"|\b(indicator|item|question|criterion|chỉ số|câu hỏi|tiêu chí)\s*\d+\b",
    re.IGNORECASE,
)
SATISFACTION_VI = ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng")
# The 28 sub-dimensions of METHODOLOGY.md section 3, counted per dimension.
PAPI_SUBDIMENSIONS = {
    "d1_participation": 4, "d2_transparency": 4, "d3_accountability": 3, "d4_anticorruption": 4,
    "d5_procedures": 4, "d6_services": 4, "d7_environment": 3, "d8_egovernance": 2,
}
POLICY_GROUPS = ("econ", "health", "edu", "water", "power", "order", "roads", "welfare", "reform")
POLICY_ELEMENTS = ("accountability", "participation", "quality", "impact")


def path_of(code: str) -> Path:
    """Return the bundled definition file of ``code``."""
    return Path(str(bundled("questionnaires"))) / code / "2026.1.yaml"


@pytest.fixture(scope="module", params=CODES)
def questionnaire(request):
    """Load one bundled questionnaire."""
    return load_file(path_of(request.param))


@pytest.fixture(scope="module")
def papi():
    """Load the bundled PAPI questionnaire."""
    return load_file(path_of("papi"))


@pytest.fixture(scope="module")
def sipas():
    """Load the bundled SIPAS questionnaire."""
    return load_file(path_of("sipas"))


@pytest.fixture(scope="module")
def policy():
    """Load the bundled SIPAS policy questionnaire."""
    return load_file(path_of("sipas-policy"))


@pytest.fixture(scope="module")
def kiosk():
    """Load the bundled kiosk questionnaire."""
    return load_file(path_of("kiosk"))


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
def test_file_is_nfc_and_loads_at_its_path(code):
    text = path_of(code).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    q = load_file(path_of(code))
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
# PAPI


def answers_of(item):
    """Return every possible answer of a scored PAPI item."""
    if item.type == "yes_no":
        return ["yes", "no"]
    return [choice.value for choice in item.choices]


def test_papi_tree_has_eight_dimensions_and_28_subdimensions(papi):
    root = papi.dimensions
    assert (root.code, root.aggregate) == ("papi", "sum")
    assert {child.code: len(child.children) for child in root.children} == PAPI_SUBDIMENSIONS
    assert sum(PAPI_SUBDIMENSIONS.values()) == 28
    for dimension in root.children:
        assert dimension.aggregate == "sum"
        for sub in dimension.children:
            assert sub.is_leaf and sub.aggregate == "mean_over_siblings", sub.code
            assert 2 <= len(sub.items) <= 4, sub.code


def test_papi_indicators_are_rescaled_with_tight_theoretical_bounds(papi):
    """The worst possible answer scores exactly 1 and the best exactly 10."""
    for item in papi.items:
        if item.score is None:
            continue
        assert item.score.rescale is not None, item.code
        scores = [item.score.apply(answer) for answer in answers_of(item)]
        assert min(scores) == pytest.approx(1.0) and max(scores) == pytest.approx(10.0), item.code


def comments_before_items(path: Path) -> dict[str, str]:
    """Map each item code to the YAML comment block nearest above it."""
    comments: dict[str, str] = {}
    block: list[str] = []
    in_block = False
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            block = block if in_block else []
            block.append(stripped.lstrip("# "))
            in_block = True
            continue
        in_block = False
        found = re.match(r"\s+- code: ([a-z0-9_]+)$", line)
        if found:
            comments[found.group(1)] = " ".join(block)
    return comments


def test_papi_bounds_are_explained_by_a_comment(papi):
    """The comment above every indicator states the bounds its rule uses ("bounds 1-4")."""
    comments = comments_before_items(path_of("papi"))
    for item in papi.items:
        if item.score is None:
            continue
        stated = re.findall(r"bounds (\d+)-(\d+)", comments.get(item.code, ""), re.IGNORECASE)
        assert stated, f"{item.code}: no comment stating its bounds"
        assert tuple(map(float, stated[-1])) == item.score.rescale, item.code


@pytest.mark.parametrize(
    ("code", "answer", "expected"),
    [
        # Reverse-coded: the answer meaning worse governance scores lowest.
        ("crime_victim", "yes", 1.0),
        ("crime_victim", "no", 10.0),
        ("officials_misuse_funds", "strongly_agree", 1.0),
        ("officials_misuse_funds", "disagree", 1 + 9 * (4 + 1 - 2 - 1) / 3),  # x' = 3 -> 7
        ("connections_teacher", "important", 1 + 9 * (4 + 1 - 3 - 1) / 3),  # x' = 2 -> 4
        ("poverty_list_poor_left_out", "some", 5.5),
        ("information_needed_connections", "yes", 1.0),
        # Straight: mapped value rescaled within its bounds.
        ("land_compensation_fair", "somewhat_lower", 1 + 9 * (2 - 1) / (3 - 1)),
        ("hospital_waiting_time", "under_30_min", 10.0),
        ("construction_permit_visits", "three_four", 1 + 9 * (2 - 1) / (4 - 1)),
        ("voted_national_assembly", "by_proxy", 5.5),
        ("complaint_satisfaction", 4, 1 + 9 * (4 - 1) / (5 - 1)),
        ("who_elects_village_head", "dont_know", 1.0),
    ],
)
def test_papi_scores_match_the_rescaling_formula(papi, code, answer, expected):
    assert papi.item(code).score.apply(answer) == pytest.approx(expected)


def papi_total(q, score_of):
    """Aggregate PAPI as METHODOLOGY.md section 3 states: mean / k, then sums."""
    total = 0.0
    for dimension in q.dimensions.children:
        k = len(dimension.children)
        for sub in dimension.children:
            scores = [score_of(q.item(code)) for code in sub.items]
            total += sum(scores) / len(scores) / k
    return total


def test_papi_total_spans_8_to_80(papi):
    """Each dimension spans 1-10, so eight span 8-80 (the "10-80" of METHODOLOGY.md is unreachable)."""
    best = papi_total(papi, lambda item: max(map(item.score.apply, answers_of(item))))
    worst = papi_total(papi, lambda item: min(map(item.score.apply, answers_of(item))))
    assert (worst, best) == (pytest.approx(8.0), pytest.approx(80.0))


@pytest.mark.parametrize(
    ("gate", "gated"),
    [
        ("applied_construction_permit", ["construction_permit_visits", "construction_permit_on_time",
                                         "construction_permit_satisfaction"]),
        ("used_public_hospital", ["hospital_quality", "hospital_waiting_time"]),
        ("applied_land_certificate", ["land_certificate_one_stop", "land_certificate_satisfaction"]),
        ("child_in_public_primary", ["school_travel_time", "school_class_size", "school_quality"]),
        ("made_complaint", ["complaint_reply", "complaint_satisfaction"]),
    ],
)
def test_papi_service_questions_only_apply_to_users(papi, gate, gated):
    for code in gated:
        relevant = papi.item(code).relevant
        assert relevant is not None, code
        assert truthy(evaluate(relevant.tree, {gate: "yes"}))
        assert not truthy(evaluate(relevant.tree, {gate: "no"}))
        assert not truthy(evaluate(relevant.tree, {}))


def test_papi_has_a_respondent_background_block(papi):
    background = {item.code for item in papi.items if item.section == "background"}
    assert {"sex", "age", "ethnicity", "education"} <= background
    assert (papi.item("age").min, papi.item("age").max) == (18, 70)


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


def test_sipas_declares_the_overall_item_alternative(sipas):
    (alternative,) = sipas.dimensions.alternatives
    assert (alternative.code, alternative.aggregate, alternative.items) == (
        "overall_item", "share", ("overall_satisfaction",)
    )
    overall = sipas.item("overall_satisfaction")
    assert overall.score.satisfied == (4, 5) and overall.dimension is None
    raw = path_of("sipas").read_text(encoding="utf-8")
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
