"""Weights: base weights from the frame sizes, non-response classes, raking with trimming, design."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from analysis.weighting import class_adjustment, weight_diagnostics
from survey.db.fieldwork import FrameUnitRow, RespondentDraw, ResponseWeight, SampleSelection
from survey.domain.sampling import SamplingError
from survey.domain.sampling_weights import adjustment_classes
from survey.services import sampling
from survey.services.exports_design import design_values
from survey.services.weights import (
    analysis_design,
    compute_weights,
    design_for,
    export_design_values,
)
from survey.services.weights_margins import Margins
from survey.web.database import session_scope
from tests.fieldwork.world import SIZES, drawn_survey, respondent_world, store_interview

# Outcomes of the 8 drawn people (6 main, 2 replacements) in every village but the empty one.
OUTCOMES = ["refused", "ineligible", "completed", "completed", "completed", "completed",
            "completed", "pending"]


def closed_form_probability(village: str) -> float:
    """Return a village's overall inclusion probability from SIZES (D1 and seats certain)."""
    district, commune = village[:2], village.split("V")[0]
    totals = {d: sum(map(sum, c)) for d, c in SIZES.items()}
    p_d = 1.0 if district == "D1" else 2 * totals[district] / sum(
        v for d, v in totals.items() if d != "D1")
    communes = [sum(c) for c in SIZES[district]]
    index = int(commune[3:]) - 1
    p_c = 1.0 if index == 0 else communes[index] / sum(communes[1:])
    villages = SIZES[district][index]
    return p_d * p_c * villages[int(village.split("V")[1]) - 1] / sum(villages)


def listing_size(village: str) -> int:
    return 10 + (sum(map(ord, village)) % 23)


def fielded(session, empty_village_index: int | None = None):
    """Draw the survey, list and draw every village, store interviews; return facts per village."""
    survey = drawn_survey(session)
    version_id, unit_id = respondent_world(session)
    villages = sorted(code for code, stage in session.execute(
        select(FrameUnitRow.code, SampleSelection.stage).join(
            SampleSelection, SampleSelection.frame_unit_id == FrameUnitRow.id)) if stage == 3)
    rng = np.random.default_rng(4)
    for index, village in enumerate(villages):
        sampling.import_listing(session, survey, village, [(f"P{i}", "") for i in range(listing_size(village))])
        draws = sampling.draw_village_respondents(session, survey, village)
        outcomes = ["refused"] * 6 + ["pending"] * 2 if index == empty_village_index else OUTCOMES
        for draw, outcome in zip(draws, outcomes):
            answers = {"sex": str(rng.choice(["male", "female"])), "age": int(rng.integers(18, 71))}
            uuid = store_interview(session, version_id, unit_id, answers) if outcome == "completed" else None
            sampling.record_outcome(session, draw.id, outcome, uuid)
    return survey, villages


def weights_by_village(session) -> dict[str, list[ResponseWeight]]:
    """Return the stored weight rows by village code."""
    found: dict[str, list[ResponseWeight]] = {}
    for weight, code in session.execute(
            select(ResponseWeight, FrameUnitRow.code)
            .join(RespondentDraw, ResponseWeight.draw_id == RespondentDraw.id)
            .join(SampleSelection, RespondentDraw.selection_id == SampleSelection.id)
            .join(FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id)):
        found.setdefault(code, []).append(weight)
    return found


def test_base_and_nonresponse_weights_follow_the_frame(app):
    with session_scope(app) as session:
        survey, villages = fielded(session)
        report = compute_weights(session, survey)
        by_village = weights_by_village(session)
    assert report.counts["respondents"] == 5 * len(villages)
    assert report.counts["issued"] == 7 * len(villages)
    for village in villages:
        rows = by_village[village]
        assert len(rows) == 5
        base = listing_size(village) / (closed_form_probability(village) * 7)
        assert all(r.base_weight == pytest.approx(base) for r in rows)
        # 6 of the 7 issued were eligible: the village's weight estimates its eligible people.
        assert sum(r.nonresponse_weight for r in rows) == pytest.approx(base * 6)
        assert all(r.final_weight == r.nonresponse_weight for r in rows)


def test_a_village_without_respondents_is_adjusted_with_its_district(app):
    with session_scope(app) as session:
        survey, villages = fielded(session, empty_village_index=0)
        report = compute_weights(session, survey)
        by_village = weights_by_village(session)
    empty = villages[0]
    assert empty not in by_village
    partners = [v for v in villages if v[:2] == empty[:2] and v != empty]
    assert report.classes[empty] == report.classes[partners[0]] == empty.split("C")[0]
    bases = {v: listing_size(v) / (closed_form_probability(v) * (7 if v != empty else 6))
             for v in [empty] + partners}
    expected = bases[empty] * 6 + sum(bases[v] * 6 for v in partners)
    assert sum(r.nonresponse_weight for v in partners for r in by_village[v]) == pytest.approx(expected)


def test_raking_reproduces_margins_and_trimming_bounds_weights(app):
    margins = Margins({"sex": {"male": 5000.0, "female": 5400.0},
                       "age": {"18-39": 4800.0, "40-70": 5600.0},
                       "urban_rural": {"urban": 2600.0, "rural": 7800.0}})
    with session_scope(app) as session:
        survey, _ = fielded(session)
        report = compute_weights(session, survey, margins=margins, trim_bounds=(0.2, 4.0))
        rows = design_for(session, survey.id)
    for margin in report.margins:
        assert margin["weighted"] == pytest.approx(margin["population"], rel=1e-6)
    weights = np.array([r.weight for r in rows])
    assert weights.sum() == pytest.approx(10400.0)
    assert weights.max() <= 4.0 * weights.mean() + 1e-6
    assert report.diagnostics["final"]["n"] == len(rows)


def test_missing_margin_categories_are_refused(app):
    with session_scope(app) as session:
        survey, _ = fielded(session)
        with pytest.raises(SamplingError) as raised:
            compute_weights(session, survey, margins=Margins({"sex": {"male": 10.0}}))
        assert raised.value.code == "calibration"
        with pytest.raises(SamplingError) as raised:
            compute_weights(session, survey, margins=Margins({"ethnicity": {"kinh": 10.0}}))
        assert raised.value.code == "margin_missing"


def test_design_rows_make_certainty_units_strata(app):
    with session_scope(app) as session:
        survey, _ = fielded(session)
        compute_weights(session, survey)
        rows = design_for(session, survey.id)
        first = rows[0]
        exported = export_design_values(session, [r.response_id for r in rows])
        registered = design_values(session, [first.response_id])
    capital = [r for r in rows if r.psu.startswith("D1")]
    assert capital and all(r.strata == "-/D1" and r.psu.startswith("D1C") for r in capital)
    others = [r for r in rows if not r.psu.startswith("D1")]
    assert all(r.strata == "-" and len(r.psu) == 2 for r in others)
    # Districts drawn by PPS came from the 4 districts other than the capital; capital PSUs from 3 communes.
    assert {r.fpc_psu for r in others} == {4.0} and {r.fpc_psu for r in capital} == {3.0}
    assert {r.fpc_ssu for r in others} == {3.0} and {r.fpc_ssu for r in capital} == {3.0}
    assert len({r.psu for r in others}) == 2
    assert exported[first.response_id].weight == first.weight
    assert registered[first.response_id].as_tuple() == (first.weight, first.strata, first.psu, None)
    design = analysis_design(rows)
    assert design.degrees_of_freedom() == (2 - 1) + (2 - 1)
    y = np.array([r.response_id % 3 for r in rows], float)
    with_fpc = analysis_design(rows, fpc=True)
    # Capital: 2 of 3 communes; elsewhere 2 of 4 districts: each stratum's variance times 1 - n/N.
    in_capital = np.array([r.strata == "-/D1" for r in rows])
    for mask, factor in ((in_capital, 1 - 2 / 3), (~in_capital, 1 - 2 / 4)):
        z = np.where(mask, y, 0.0)
        assert with_fpc.covariance(z)[0, 0] == pytest.approx(factor * design.covariance(z)[0, 0])


def test_weights_need_interviews(app):
    with session_scope(app) as session:
        survey = drawn_survey(session)
        with pytest.raises(SamplingError) as raised:
            compute_weights(session, survey)
        assert raised.value.code == "villages_without_draws"


def test_class_adjustment_closed_form():
    adjusted, factors = class_adjustment(
        [2.0, 2.0, 3.0, 1.0, 1.0], [True, False, True, True, False],
        [True, True, True, True, False], ["a", "a", "a", "b", "b"])
    np.testing.assert_allclose(factors, [7 / 5, 1.0])
    np.testing.assert_allclose(adjusted, [2.8, 0, 4.2, 1.0, 0])


def test_kish_diagnostics_closed_form():
    d = weight_diagnostics([1.0, 1.0, 2.0, 4.0, 0.0])
    assert d["n"] == 4 and d["ratio"] == 4.0
    assert d["kish_deff"] == pytest.approx(4 * 22 / 64)
    assert d["n_eff"] == pytest.approx(64 / 22)


def test_classes_collapse_up_the_chain():
    chains = {"v1": ["v1", "c1", "d1", "s"], "v2": ["v2", "c1", "d1", "s"],
              "v3": ["v3", "c2", "d1", "s"], "v4": ["v4", "c3", "d2", "s"]}
    classes = adjustment_classes(chains, {"v1": 2, "v2": 9, "v3": 6, "v4": 1}, 5)
    assert classes == {"v1": "c1", "v2": "c1", "v3": "d2+v3", "v4": "d2+v3"}


def test_a_class_without_respondents_is_refused(app):
    with session_scope(app) as session:
        survey, villages = fielded(session, empty_village_index=0)
        with pytest.raises(SamplingError) as raised:
            compute_weights(session, survey, min_respondents=0)
        assert raised.value.code == "class_without_respondents" and villages[0] in raised.value.message_en
