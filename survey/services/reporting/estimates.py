"""Estimates per group (child unit or service) through the analysis engine, after SQL aggregation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from analysis.design import Design
from analysis.estimate import Estimate
from analysis.indices import LinearIndex, estimate_index
from analysis.summaries import rating_summary
from survey.services.reporting.aggregate import rating_counts, score_matrix
from survey.services.reporting.filters import Filters
from survey.services.reporting.reach import Reach, reach_of
from survey.services.reporting.structure import IndexStructure, load_structure

TOTAL = "total"


@dataclass(frozen=True)
class Groups:
    """Estimates of every index node for the whole selection and for each group."""

    structure: IndexStructure
    reach: Reach
    level: str | None
    total: dict[str, Estimate]
    groups: dict[int, dict[str, Estimate]]
    #: Survey indices: how many responses carried design weights, out of how many (None: ratings).
    weighting: tuple[int, int] | None = None
    #: Whether any of the data came through kiosk or QR channels (not a probability sample).
    non_probability: bool = True


def estimate_groups(session: Session, filters: Filters, by: str | None,
                    structure: IndexStructure | None = None) -> Groups:
    """Estimate the index for the filters' unit and, with ``by`` ('unit' or 'service'), per group.

    ``by='unit'`` groups by the child of the chosen unit each response counts for (the unit itself
    for responses made there directly), or by its unit at ``filters.level``; ``by='service'`` by
    service (-1: no service recorded).
    """
    structure = structure or load_structure(session, filters.index)
    reach = reach_of(session, filters.unit_id)
    if structure.kind.rating:
        total, groups = _ratings(session, filters, reach, structure, by)
        return Groups(structure, reach, filters.level, total, groups)
    matrix = score_matrix(session, filters, reach, structure)
    total, groups = _indices(filters, reach, structure, by, matrix)
    return Groups(structure, reach, filters.level, total, groups, (matrix.weighted, matrix.n),
                  bool(matrix.channels & {"kiosk", "qr"}))


def _ratings(session, filters, reach, structure, by):
    """Share satisfied with Wilson intervals from counts per (group, rating)."""
    counts = rating_counts(session, filters, reach, structure, by or "unit")
    merged: dict[tuple, int] = defaultdict(int)
    for (key, rating), count in counts.items():
        merged[(TOTAL, rating)] += count
        if by == "unit":
            row = reach.row_of(key, filters.level)
            if row is not None:
                merged[(row, rating)] += count
        elif by == "service":
            merged[(-1 if key is None else key, rating)] += count
    root = structure.nodes[0]
    estimates = {est.domain["domain"]: est
                 for est in rating_summary(merged, structure.satisfied)}
    total = {root: estimates[TOTAL]} if TOTAL in estimates else {}
    groups = {key: {root: est} for key, est in estimates.items() if key != TOTAL}
    return total, groups


def _indices(filters, reach, structure, by, matrix):
    """Every node of the index by linearisation, on the survey design or with equal weights.

    When every response carries household-survey weights the design is stratified with PSUs drawn
    with replacement (weights.analysis_design's choice; lonely PSUs 'adjust'), else each response is
    its own PSU with weight 1.
    """
    if matrix.n == 0:
        return {}, {}
    spec = LinearIndex(structure.nodes, matrix.values, structure.coefficients,
                       np.zeros(len(structure.nodes)), structure.items)
    if matrix.weights is not None:
        design = Design(weights=matrix.weights, strata=matrix.strata, clusters=[matrix.psus],
                        lonely_psu="adjust")
    else:
        design = Design(n=matrix.n)
    total = estimate_index(design, spec).nodes
    if by is None:
        return total, {}
    if by == "unit":
        rows = [reach.row_of(int(unit_id), filters.level) for unit_id in matrix.unit_ids]
        keys = np.array([-2 if row is None else row for row in rows])
    else:
        keys = matrix.service_ids
    groups = {}
    for key in sorted(set(keys.tolist()) - ({-2} if by == "unit" else set())):
        groups[key] = estimate_index(design, spec, domain=keys == key).nodes
    return total, groups
