"""The bundled PAPI questionnaire: its 28 sub-dimensions, indicator bounds, scores and skip logic.

The expected structure is METHODOLOGY.md section 3 (eight dimensions, 28 sub-dimensions); scores are
checked against the closed form of the rescaling 1 + 9 (x - min) / (max - min), reverse coding
x' = min + max - x, and the aggregation "mean / k, then sums".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey.domain.expressions import evaluate, truthy

# The 28 sub-dimensions of METHODOLOGY.md section 3, counted per dimension.
PAPI_SUBDIMENSIONS = {
    "d1_participation": 4, "d2_transparency": 4, "d3_accountability": 3, "d4_anticorruption": 4,
    "d5_procedures": 4, "d6_services": 4, "d7_environment": 3, "d8_egovernance": 2,
}


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


def test_papi_bounds_are_explained_by_a_comment(papi, bundled_path):
    """The comment above every indicator states the bounds its rule uses ("bounds 1-4")."""
    comments = comments_before_items(bundled_path("papi"))
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


def test_papi_filter_questions_are_required(papi):
    """A skipped filter would silently drop its follow-up indicators; scored filters may be blank."""
    gates = {ref for item in papi.items if item.relevant
             for ref in re.findall(r"\$\{([a-z0-9_]+)\}", item.relevant.text)}
    unscored = [papi.item(code) for code in sorted(gates) if papi.item(code).score is None]
    assert len(unscored) >= 10
    assert all(item.required for item in unscored), [i.code for i in unscored if not i.required]
