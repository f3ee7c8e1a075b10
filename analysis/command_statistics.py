"""Turning the analyze command's statistic requests into estimates, overall or by domain."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from analysis import estimators
from analysis.command_data import InputError, Table, parse_condition, parse_index, parse_ratio
from analysis.design import Design
from analysis.estimate import Estimate
from analysis.indices import estimate_index, share_index_spec
from analysis.replicates import ReplicateDesign

PROPORTION_METHODS = ("beta", "logit", "xlogit", "wilson", "likelihood", "asin", "mean", "t", "z")


@dataclass(frozen=True)
class Request:
    """One statistic asked for on the command line: kind (mean, total, ...) and its text."""

    kind: str
    text: str


Estimator = Callable[[np.ndarray | None, dict | None], Estimate]


def run_requests(
    table: Table,
    design: Design | ReplicateDesign,
    requests: list[Request],
    by: list[str],
    *,
    ci: str | None,
    level: float,
) -> list[Estimate]:
    """Estimate every request, overall or for every observed combination of the --by columns."""
    if not 0 < level < 1:
        raise InputError(f"--level phải trong (0, 1) / --level must lie in (0, 1), got {level}")
    domains = _domains(table, by)
    results = []
    for request in requests:
        estimator = _estimator(table, design, request, ci, level)
        results.extend(estimator(mask, labels) for mask, labels in domains)
    return results


def _estimator(table: Table, design, request: Request, ci: str | None, level: float) -> Estimator:
    """Return a function of (domain mask, domain labels) for one request."""
    general = ci if ci in ("t", "z") else "t"
    common = {"level": level, "target": request.text}
    if request.kind in ("mean", "total"):
        function = getattr(estimators, request.kind)
        values = table.number(request.text)
        return _labelled(lambda mask: function(design, values, domain=mask, ci=general, **common))
    if request.kind == "proportion":
        event = parse_condition(request.text).evaluate(table)
        method = ci or "beta"
        return _labelled(lambda mask: estimators.proportion(design, event, domain=mask, ci=method, **common))
    if request.kind == "ratio":
        numerator, denominator = (table.number(column) for column in parse_ratio(request.text, table))
        return _labelled(
            lambda mask: estimators.ratio(design, numerator, denominator, domain=mask, ci=general, **common)
        )
    name, parts = parse_index(request.text)
    spec = share_index_spec(name, {text: condition.evaluate(table) for text, condition in parts})
    return lambda mask, labels: estimate_index(
        design, spec, domain=mask, domain_labels=labels, level=level, ci=general
    ).overall


def _labelled(estimate: Callable[[np.ndarray | None], Estimate]) -> Estimator:
    """Attach the domain labels to what an estimator returns."""
    return lambda mask, labels: dataclasses.replace(estimate(mask), domain=labels)


def _domains(table: Table, by: list[str]) -> list[tuple[np.ndarray | None, dict | None]]:
    """Return (mask, labels) for every observed combination of the --by columns, sorted by label.

    Rows with a missing --by value belong to no domain (as in R's svyby).
    """
    if not by:
        return [(None, None)]
    columns = {column: table.domain_values(column) for column in by}
    combined = np.zeros(table.rows, dtype=np.int64)
    for values in columns.values():
        distinct = sorted({value for value in values if value is not None}, key=_sort_key)
        code = {value: position for position, value in enumerate(distinct, start=1)}
        codes = np.array([code.get(value, 0) for value in values], dtype=np.int64)
        combined = np.where((combined < 0) | (codes == 0), -1, combined * (len(distinct) + 1) + codes)
    domains = []
    for value in np.unique(combined[combined >= 0]):
        mask = combined == value
        first = int(np.argmax(mask))
        domains.append((mask, {column: values[first] for column, values in columns.items()}))
    return domains


def _sort_key(value) -> tuple:
    """Sort numbers numerically and text alphabetically."""
    return (0, value, "") if isinstance(value, int | float) else (1, 0, value)
