"""Composite indices (SIPAS-style and PAPI-style) with design-based standard errors.

Every index node handled here is an affine function of the weighted means of its indicators,

.. math:: I = c + a^\\top \\hat m, \\qquad \\hat m_j = \\frac{\\sum_i w_i o_{ij} y_{ij}}{\\sum_i w_i o_{ij}},

where :math:`o_{ij} = 1` when respondent :math:`i` answered indicator :math:`j`.  Each mean uses the
respondents who answered that indicator, so a respondent who skipped one indicator still counts for the
others.  The linearisation (delta-method) variance is :math:`a^\\top \\hat\\Sigma a` with
:math:`\\hat\\Sigma` the design covariance of :math:`\\hat m` (exact for an affine function: the gradient
is :math:`a` everywhere); with replicate weights the index is recomputed for every replicate.

References
----------
Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed., ch. 6 (Taylor series). Springer.
CECODES, VFF-CRT and UNDP (2021). *The 2020 Viet Nam Governance and Public Administration Performance
Index (PAPI)*, methodology annex.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from analysis.design import Design
from analysis.estimate import Estimate
from analysis.estimators import means_with_covariance
from analysis.intervals import t_interval
from analysis.reliability import reliability_flags
from analysis.replicates import ReplicateDesign


@dataclass(frozen=True)
class PapiIndicator:
    """One PAPI-style indicator with its theoretical bounds.

    The indicator is rescaled to 1-10 as :math:`1 + 9 (x - L) / (U - L)` (or
    :math:`1 + 9 (U - x) / (U - L)` when ``reverse``), with fixed theoretical bounds :math:`L, U`, never the
    range observed across units.
    """

    values: np.ndarray
    low: float
    high: float
    reverse: bool = False

    def __post_init__(self) -> None:
        if not np.isfinite(self.low) or not np.isfinite(self.high) or self.high <= self.low:
            raise ValueError(f"indicator bounds must satisfy low < high, got [{self.low}, {self.high}]")


@dataclass(frozen=True)
class LinearIndex:
    """Index nodes as affine functions ``constant + coefficients @ means`` of indicator means.

    ``values`` is the (n, k) indicator matrix (NaN = not answered), ``coefficients`` is (q, k),
    ``constants`` is (q,), and ``nodes`` names the q rows; the first node is the overall index.
    """

    nodes: tuple[str, ...]
    values: np.ndarray
    coefficients: np.ndarray
    constants: np.ndarray
    columns: tuple[str, ...] = field(default=())

    def evaluate(self, means: np.ndarray) -> np.ndarray:
        """Return the node values for a vector of indicator means."""
        return self.constants + self.coefficients @ means


@dataclass(frozen=True)
class IndexResult:
    """Estimates of every node of an index; ``overall`` is also ``nodes[name]``."""

    overall: Estimate
    nodes: dict[str, Estimate]


def sipas_spec(elements: Mapping[str, Mapping[str, np.ndarray]], *, name: str = "SIPAS") -> LinearIndex:
    """Build a SIPAS-style index: share satisfied per item, element mean, overall mean of elements.

    Parameters
    ----------
    elements : mapping element code -> mapping item code -> (n,) 0/1 array (NaN = not answered)
        ``1`` marks a satisfied answer (e.g. 4 or 5 on a five-point scale).
    name : str
        Name of the overall node.

    Notes
    -----
    With :math:`p_{ej}` the weighted share satisfied with item :math:`j` of element :math:`e` (which has
    :math:`J_e` items) and :math:`E` elements, the element index is :math:`S_e = 100\\,\\bar p_{e\\cdot}`
    and the overall index :math:`S = E^{-1} \\sum_e S_e`, both in percent.
    """
    if not elements or any(not items for items in elements.values()):
        raise ValueError("a SIPAS index needs at least one element, each with at least one item")
    columns, arrays = [], []
    for element, items in elements.items():
        for item, values in items.items():
            columns.append(f"{element}/{item}")
            arrays.append(_as_indicator(values, item, binary=True))
    k, n_elements = len(columns), len(elements)
    coefficients = np.zeros((1 + n_elements, k))
    start = 0
    for row, items in enumerate(elements.values(), start=1):
        stop = start + len(items)
        coefficients[row, start:stop] = 100.0 / len(items)
        coefficients[0, start:stop] = 100.0 / (len(items) * n_elements)
        start = stop
    return LinearIndex(
        nodes=(name, *elements),
        values=np.column_stack(arrays),
        coefficients=coefficients,
        constants=np.zeros(1 + n_elements),
        columns=tuple(columns),
    )


def papi_spec(
    dimensions: Mapping[str, Mapping[str, Mapping[str, PapiIndicator]]], *, name: str = "PAPI"
) -> LinearIndex:
    """Build a PAPI-style index: rescaled indicators, sub-dimension mean / k, dimension sum, total sum.

    Parameters
    ----------
    dimensions : mapping dimension -> sub-dimension -> indicator code -> PapiIndicator
    name : str
        Name of the total node.

    Notes
    -----
    Indicator :math:`x` with theoretical bounds :math:`[L, U]` is rescaled to
    :math:`r = 1 + 9 (x - L)/(U - L)`.  A sub-dimension of a dimension with :math:`k` sub-dimensions is
    :math:`\\bar r / k` (range :math:`[1/k, 10/k]`), a dimension is the sum of its sub-dimensions
    (range 1-10) and the total is the sum of the dimensions.  All of it is computed from the weighted
    means :math:`\\hat m_j` of the raw indicators, so nodes are affine in :math:`\\hat m`.
    Node names are ``dimension`` and ``dimension/sub-dimension``.
    """
    if not dimensions:
        raise ValueError("a PAPI index needs at least one dimension")
    columns, arrays, slopes, offsets, owners = [], [], [], [], []
    for dimension, subdimensions in dimensions.items():
        if not subdimensions or any(not indicators for indicators in subdimensions.values()):
            raise ValueError(f"dimension {dimension!r} needs sub-dimensions with indicators")
        for subdimension, indicators in subdimensions.items():
            for code, indicator in indicators.items():
                columns.append(f"{dimension}/{subdimension}/{code}")
                arrays.append(_as_indicator(indicator.values, code, binary=False))
                slope = 9.0 / (indicator.high - indicator.low)
                if indicator.reverse:
                    slope, anchor = -slope, indicator.high
                else:
                    anchor = indicator.low
                slopes.append(slope)
                offsets.append(1.0 - slope * anchor)
                owners.append((dimension, subdimension, len(subdimensions), len(indicators)))
    subnodes = [f"{d}/{s}" for d, subs in dimensions.items() for s in subs]
    nodes = (name, *dimensions, *subnodes)
    row_of = {node: row for row, node in enumerate(nodes)}
    coefficients = np.zeros((len(nodes), len(columns)))
    constants = np.zeros(len(nodes))
    for j, (dimension, subdimension, k, size) in enumerate(owners):
        share = 1.0 / (k * size)
        for node in (name, dimension, f"{dimension}/{subdimension}"):
            coefficients[row_of[node], j] += share * slopes[j]
            constants[row_of[node]] += share * offsets[j]
    return LinearIndex(nodes, np.column_stack(arrays), coefficients, constants, tuple(columns))


def estimate_index(
    design: Design | ReplicateDesign,
    spec: LinearIndex,
    *,
    domain: np.ndarray | None = None,
    domain_labels: dict | None = None,
    level: float = 0.95,
    ci: str = "t",
) -> IndexResult:
    """Estimate every node of an index with its standard error, interval, df, n, n_eff and deff.

    Parameters
    ----------
    design : Design or ReplicateDesign
        Taylor linearisation (delta method) for a ``Design``; replicate variance for a
        ``ReplicateDesign`` (the index is recomputed with each replicate's weights).
    spec : LinearIndex
        From :func:`sipas_spec`, :func:`papi_spec` or :func:`share_index_spec`.
    domain : (n,) bool array, optional
        Subpopulation, estimated on the full design.
    domain_labels : dict, optional
        Stored as ``Estimate.domain``.
    level : float
        Confidence level.
    ci : {"t", "z"}
        t with the design degrees of freedom, or normal.

    Returns
    -------
    IndexResult

    Notes
    -----
    ``se`` is :math:`\\sqrt{a^\\top \\hat\\Sigma a}`.  ``deff`` is the design variance divided by
    :math:`a^\\top V_{srs} a`, where :math:`V_{srs}` is the SRSWOR covariance of the means estimated as R's
    ``svymean`` does for one variable, :math:`(1 - n/\\hat N)\\, s^2_{jl} n_{jl} / (n_j n_l)`, with
    :math:`s^2_{jl}` the weighted covariance (factor :math:`n_{jl}/(n_{jl}-1)`) over the :math:`n_{jl}`
    rows that answered both :math:`j` and :math:`l`; ``n`` counts rows of the domain that answered at
    least one indicator and ``n_eff`` is ``n / deff``.
    """
    if ci not in ("t", "z"):
        raise ValueError(f"index intervals are 't' or 'z', not {ci!r}")
    values = spec.values
    inside = np.ones(values.shape[0], dtype=bool) if domain is None else np.asarray(domain, dtype=bool)
    answered = ~np.isnan(values) & inside[:, None]
    n = int(answered.any(axis=1).sum())
    means, covariance, df = mean_moments(design, values, inside)
    # An indicator nobody in the domain answered has no mean: the nodes that use it are undefined,
    # the others are not (zeros keep its nan out of their sums).
    unanswered = ~answered.any(axis=0)
    undefined = (spec.coefficients[:, unanswered] != 0).any(axis=1)
    points = spec.evaluate(np.where(unanswered, 0.0, means))
    covariance = np.where(unanswered[:, None] | unanswered[None, :], 0.0, covariance)
    variances = np.einsum("qk,kl,ql->q", spec.coefficients, covariance, spec.coefficients)
    points[undefined] = variances[undefined] = np.nan
    srs = _srs_covariance(design.weights, values, answered)
    srs_variances = np.einsum("qk,kl,ql->q", spec.coefficients, srs, spec.coefficients)
    df_used = np.inf if ci == "z" else float(df)
    estimates = {}
    for row, node in enumerate(spec.nodes):
        se = float(np.sqrt(max(variances[row], 0.0))) if np.isfinite(variances[row]) else float("nan")
        low, high = t_interval(float(points[row]), se, df_used, level)
        deff = _ratio(variances[row], srs_variances[row])
        estimate = Estimate(
            statistic="index",
            target=node,
            domain=domain_labels,
            estimate=float(points[row]),
            se=se,
            ci_low=low,
            ci_high=high,
            df=df_used,
            n=n,
            n_eff=_ratio(n, deff),
            deff=deff,
            level=level,
            method=ci,
        )
        flags = ("empty_domain",) if n == 0 else ("unanswered_indicator",) if undefined[row] else ()
        estimates[node] = replace(estimate, flags=flags + reliability_flags(estimate))
    return IndexResult(overall=estimates[spec.nodes[0]], nodes=estimates)


def share_index_spec(name: str, events: Mapping[str, np.ndarray]) -> LinearIndex:
    """Build ``100 x`` the mean of several proportions (the command line's ``--index``)."""
    return sipas_spec({name: events}, name=name)


def domain_columns(values: np.ndarray, domains: list[np.ndarray]) -> np.ndarray:
    """Stack ``values`` once per domain, with NaN outside it, for joint domain covariances."""
    blocks = [np.where(np.asarray(mask, dtype=bool)[:, None], values, np.nan) for mask in domains]
    return np.hstack(blocks)


def mean_moments(design: Design | ReplicateDesign, values: np.ndarray, inside: np.ndarray):
    """Return available-case means of the columns of ``values`` in a domain, their covariance and df.

    Linearisation for a ``Design`` (through ``means_with_covariance``), replicate covariance of the
    recomputed means for a ``ReplicateDesign``.
    """
    if isinstance(design, ReplicateDesign):
        return _replicate_moments(design, values, ~np.isnan(values) & inside[:, None])
    means, covariance, df = means_with_covariance(design, values, domain=inside)
    return np.asarray(means, dtype=float), np.atleast_2d(covariance), df


def _replicate_moments(design: ReplicateDesign, values: np.ndarray, answered: np.ndarray):
    """Return means and the replicate covariance of the means of the answered values."""
    filled = np.where(answered, values, 0.0)
    observed = answered.astype(float)

    def available_means(weights: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return (weights @ filled) / (weights @ observed)

    means = available_means(design.weights)
    df = design.degrees_of_freedom(answered.any(axis=1))
    return means, np.atleast_2d(design.covariance_of(available_means)), df


def _srs_covariance(weights: np.ndarray, values: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """Return the SRSWOR covariance of the available-case means, as R svymean's deff uses."""
    weights = np.asarray(weights, dtype=float)
    observed = answered.astype(float)
    filled = np.where(answered, values, 0.0)
    counts = observed.T @ observed
    sums = weights @ observed
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (weights @ filled) / sums
        centred = np.where(answered, values - means, 0.0)
        pair_weights = (weights[:, None] * observed).T @ observed
        cross = (weights[:, None] * centred).T @ centred
        s2 = cross / pair_weights * counts / (counts - 1)
        rows = answered.any(axis=1)
        finite = 1.0 - rows.sum() / weights[rows].sum()
        per_column = np.diag(counts)
        return finite * s2 * counts / np.outer(per_column, per_column)


def _ratio(numerator: float, denominator: float) -> float:
    """Return ``numerator / denominator`` or nan when it is undefined."""
    if not np.isfinite(denominator) or denominator <= 0 or not np.isfinite(numerator):
        return float("nan")
    return float(numerator / denominator)


def _as_indicator(values, code: str, *, binary: bool) -> np.ndarray:
    """Return ``values`` as a float array, checking 0/1 coding for binary items."""
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"indicator {code!r} must be one-dimensional")
    if binary and not np.all(np.isnan(array) | (array == 0) | (array == 1)):
        raise ValueError(f"item {code!r} must be coded 0/1 (1 = satisfied), NaN for not answered")
    return array
