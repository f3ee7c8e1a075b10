"""Survey weights of household interviews, and the design every later estimate must use.

``compute_weights`` runs the steps (base weight, non-response adjustment, raking to census
margins with trimming) and stores one row per interview; ``design_for`` hands the stored weights
and design variables to reports and exports.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, replace

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from analysis.calibration import CalibrationError, rake, trim
from analysis.design import Design
from analysis.weighting import class_adjustment, weight_diagnostics
from survey.db.fieldwork import (
    FieldSurvey,
    FrameUnitRow,
    ListingMember,
    RespondentDraw,
    ResponseWeight,
    SampleSelection,
    WeightingRun,
)
from survey.db.responses import Response
from survey.domain.sampling import SamplingError
from survey.domain.sampling_weights import PathStep, Position, adjustment_classes, design_position
from survey.services.exports_design import DesignValues
from survey.services.sampling import design_of
from survey.services.weights_margins import Margins, respondent_categories


@dataclass(frozen=True)
class DesignRow:
    """One interview's final weight and design variables (strata, PSU, SSU, population counts)."""

    response_id: int
    weight: float
    strata: str
    psu: str
    ssu: str | None
    fpc_psu: float | None
    fpc_ssu: float | None
    probability: float
    base_weight: float
    nonresponse_weight: float
    calibrated_weight: float


@dataclass(frozen=True)
class WeightReport:
    """What a weighting run did: counts, classes, diagnostics per step, margins reproduced."""

    counts: dict
    classes: dict
    diagnostics: dict
    margins: list

    def to_dict(self) -> dict:
        """Return the JSON form stored with the run."""
        return asdict(self)


@dataclass
class _Member:
    draw_id: int
    village: str
    weight: float
    eligible: bool
    response_id: int | None
    listed: int


def compute_weights(session: Session, survey: FieldSurvey, *, margins: Margins | None = None,
                    trim_bounds: tuple[float, float] | None = None, min_respondents: int = 5,
                    ) -> WeightReport:
    """Compute and store the weights of every completed interview of ``survey``.

    Steps (docs/fieldwork.md):

    1. base weight ``1 / (pi_1 pi_2 ... pi_K * k_v / M_v)``: the product of the stage inclusion
       probabilities of the village and the chance ``k_v / M_v`` that a listed person was issued
       (``k_v`` people issued: the main sample plus the replacements used, out of ``M_v`` listed);
    2. non-response adjustment within adjustment classes (the village, or its commune, or higher,
       when a village has fewer than ``min_respondents`` respondents): eligible non-respondents'
       weight moves to the respondents, ineligible people's weight is dropped;
    3. raking to census margins (when given), then trimming to ``trim_bounds`` times the mean
       weight and raking again, at most ten rounds, until no weight is outside the bounds.
    """
    if survey.status != "drawn":
        raise SamplingError("not_drawn", f"{survey.code}: mẫu chưa được rút",
                            f"{survey.code}: no sample drawn yet")
    selections, paths = _paths(session, survey)
    members, counts = _members(session, survey, selections)
    respondents = [m for m in members if m.response_id is not None]
    if not respondents:
        raise SamplingError("no_interviews", f"{survey.code}: chưa có phỏng vấn hoàn thành nào",
                            f"{survey.code}: no completed interviews yet")
    classes = _classes(selections, paths, members, min_respondents)
    base = np.array([m.weight for m in members])
    adjusted, _ = class_adjustment(
        base, [m.response_id is not None for m in members], [m.eligible for m in members],
        [classes[m.village] for m in members])
    rows = [i for i, m in enumerate(members) if m.response_id is not None]
    positions = [_position(members[i], selections, paths) for i in rows]
    nonresponse = adjusted[rows]
    design = Design(weights=nonresponse, strata=[p.strata for p in positions],
                    clusters=[[p.psu for p in positions]], lonely_psu="adjust")
    response_ids = [members[i].response_id for i in rows]
    calibrated, final, reproduced = _calibrate(session, survey, design, response_ids,
                                               [members[i].village for i in rows], margins, trim_bounds)
    _store(session, survey, members, rows, positions, classes, (base, nonresponse, calibrated, final))
    report = WeightReport(
        counts={**counts, "respondents": len(rows), "classes": len(set(classes.values())),
                "response_rate": len(rows) / max(counts["eligible_issued"], 1)},
        classes={village: classes[village] for village in sorted(classes)},
        diagnostics={name: weight_diagnostics(values) for name, values in (
            ("base", base[rows]), ("nonresponse", nonresponse), ("calibrated", calibrated),
            ("final", final))},
        margins=reproduced)
    session.add(WeightingRun(survey_id=survey.id, diagnostics_json=json.dumps(report.to_dict()),
                             settings_json=json.dumps({
                                 "min_respondents": min_respondents, "trim": trim_bounds,
                                 "margins": margins.totals if margins else None})))
    return report


def _classes(selections: dict, paths: dict, members: list[_Member], minimum: int) -> dict[str, str]:
    """Return each village's adjustment class; refuse a class with eligible people but no respondent."""
    per_village = defaultdict(int)
    for member in members:
        per_village[member.village] += member.response_id is not None
    chains = {village: [village] + [step.code for step in reversed(paths[village][:-1])]
              + [f"stratum:{selections[village].stratum}"] for village in paths}
    classes = adjustment_classes(chains, per_village, minimum)
    eligible = {classes[m.village] for m in members if m.eligible}
    answered = {classes[m.village] for m in members if m.response_id is not None}
    lost = sorted(eligible - answered)
    if lost:
        raise SamplingError("class_without_respondents",
                            f"nhóm điều chỉnh không có người trả lời: {', '.join(lost)}",
                            f"adjustment classes without respondents: {', '.join(lost)}")
    return classes


def _position(member: _Member, selections: dict, paths: dict) -> Position:
    """Return a respondent's design position; people are PSUs of a village taken with certainty
    at every stage, drawn from its ``listed`` people."""
    position = design_position(selections[member.village].stratum, paths[member.village],
                               f"r{member.draw_id}")
    if position.fpc_psu is None:
        return replace(position, fpc_psu=float(member.listed))
    return position


def _paths(session: Session, survey: FieldSurvey):
    """Return {village code: selection} and {village code: [PathStep, ...] from stage 1 down}."""
    rows = session.execute(
        select(SampleSelection, FrameUnitRow.code)
        .join(FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id)
        .where(SampleSelection.survey_id == survey.id)).all()
    by_id = {selection.id: (selection, code) for selection, code in rows}
    certain = defaultdict(int)
    for selection, _ in rows:
        certain[selection.parent_id, selection.stratum] += selection.certainty is not None
    last = len(design_of(survey).stages)
    selections, paths = {}, {}
    for selection, code in rows:
        if selection.stage != last:
            continue
        chain, current = [], selection
        while current is not None:
            chain.append(PathStep(by_id[current.id][1], current.certainty is not None,
                                  current.group_selected, current.group_units,
                                  certain[current.parent_id, current.stratum]))
            current = by_id[current.parent_id][0] if current.parent_id else None
        selections[code], paths[code] = selection, chain[::-1]
    return selections, paths


def _members(session: Session, survey: FieldSurvey, selections: dict):
    """Return every issued sample member with its base weight, and the fieldwork counts."""
    listed = dict(session.execute(
        select(ListingMember.selection_id, func.count()).join(SampleSelection)
        .where(SampleSelection.survey_id == survey.id).group_by(ListingMember.selection_id)).all())
    draws = session.scalars(select(RespondentDraw).join(SampleSelection).where(
        SampleSelection.survey_id == survey.id)).all()
    uuids = [d.response_uuid for d in draws if d.response_uuid]
    stored = dict(session.execute(select(Response.uuid, Response.id).where(
        Response.uuid.in_(uuids))).all()) if uuids else {}
    code_of = {selection.id: code for code, selection in selections.items()}
    issued = [d for d in draws if d.role == "main" or d.status != "pending"]
    by_village = defaultdict(list)
    for draw in issued:
        by_village[draw.selection_id].append(draw)
    missing = sorted(code for code, selection in selections.items() if selection.id not in by_village)
    if missing:
        raise SamplingError(
            "villages_without_draws", f"chưa rút người trả lời ở: {', '.join(missing[:10])}",
            f"respondents not drawn yet in: {', '.join(missing[:10])}")
    members = []
    for selection_id, village_draws in by_village.items():
        selection = selections[code_of[selection_id]]
        weight = listed[selection_id] / (selection.overall_probability * len(village_draws))
        members += [_Member(d.id, code_of[selection_id], weight, d.status != "ineligible",
                            stored.get(d.response_uuid) if d.status == "completed" else None,
                            listed[selection_id])
                    for d in village_draws]
    counts = {"villages": len(selections), "issued": len(issued),
              "eligible_issued": sum(m.eligible for m in members),
              "completed_without_response": sum(
                  1 for d in issued if d.status == "completed" and d.response_uuid not in stored)}
    return members, counts


def _calibrate(session, survey, design, response_ids, villages, margins, trim_bounds):
    """Rake and trim; return calibrated and final weights and the margins reproduced."""
    if margins is None:
        return design.weights, design.weights, []
    categories = respondent_categories(session, survey, response_ids, villages, margins)
    population = {name: (categories[name], margins.totals[name]) for name in margins.totals}
    try:
        raked = rake(design, population)
        calibrated, current = raked.weights, raked
        for _ in range(10 if trim_bounds else 0):
            mean = float(current.weights.mean())
            low, high = trim_bounds[0] * mean, trim_bounds[1] * mean
            if current.weights.min() >= low - 1e-9 and current.weights.max() <= high + 1e-9:
                break
            current = rake(trim(current, low, high), population)
    except CalibrationError as error:
        raise SamplingError("calibration", *_split(str(error))) from None
    final = current.weights
    reproduced = [{"variable": name, "category": str(category), "population": float(total),
                   "weighted": float(final[np.asarray(labels) == category].sum())}
                  for name, (labels, totals) in population.items()
                  for category, total in totals.items()]
    return calibrated, final, reproduced


def _split(message: str) -> tuple[str, str]:
    vi, _, en = message.partition(" / ")
    return vi, en or vi


def _store(session, survey, members, rows, positions, classes, weights):
    """Replace the survey's stored weights with this run's."""
    base, nonresponse, calibrated, final = weights
    session.execute(delete(ResponseWeight).where(ResponseWeight.survey_id == survey.id))
    probabilities = 1.0 / base
    session.add_all(
        ResponseWeight(
            response_id=members[i].response_id, survey_id=survey.id, draw_id=members[i].draw_id,
            probability=float(probabilities[i]), base_weight=float(base[i]),
            nonresponse_weight=float(nonresponse[j]), calibrated_weight=float(calibrated[j]),
            final_weight=float(final[j]), adjustment_class=classes[members[i].village],
            strata=position.strata, psu=position.psu, ssu=position.ssu,
            fpc_psu=position.fpc_psu, fpc_ssu=position.fpc_ssu)
        for j, (i, position) in enumerate(zip(rows, positions)))
    session.flush()


def design_for(session: Session, survey_id: int) -> list[DesignRow]:
    """Return the weight and design variables of every weighted interview of a survey.

    Use ``weight`` with ``strata`` and ``psu`` (``analysis_design``): a stratified design with
    PSUs sampled with replacement (the ultimate-cluster variance of a PPS design).
    """
    rows = session.scalars(select(ResponseWeight).where(ResponseWeight.survey_id == survey_id)
                           .order_by(ResponseWeight.response_id)).all()
    return [DesignRow(r.response_id, r.final_weight, r.strata, r.psu, r.ssu, r.fpc_psu, r.fpc_ssu,
                      r.probability, r.base_weight, r.nonresponse_weight, r.calibrated_weight)
            for r in rows]


def analysis_design(rows: list[DesignRow], *, fpc: bool = False, lonely_psu: str = "adjust") -> Design:
    """Return the analysis design of ``design_for`` rows, in their order.

    By default the PSUs are treated as drawn with replacement (the ultimate-cluster variance of a
    PPS design, somewhat conservative); ``fpc=True`` adds the first-stage finite population
    correction ``1 - n_h / N_h`` of simple random sampling, an approximation for PPS that the
    simulation in docs/benchmarks.md found closer to the nominal coverage.
    """
    return Design(weights=[r.weight for r in rows], strata=[r.strata for r in rows],
                  clusters=[[r.psu for r in rows]], fpc=[[r.fpc_psu for r in rows]] if fpc else (),
                  lonely_psu=lonely_psu)


def export_design_values(session: Session, response_ids) -> dict[int, DesignValues]:
    """Return the exports' design columns of the weighted interviews among ``response_ids``."""
    rows = session.execute(select(ResponseWeight.response_id, ResponseWeight.final_weight,
                                  ResponseWeight.strata, ResponseWeight.psu)
                           .where(ResponseWeight.response_id.in_(list(response_ids)))).all()
    return {rid: DesignValues(weight, strata, psu, None) for rid, weight, strata, psu in rows}
