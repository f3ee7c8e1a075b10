"""Design-based means and proportions from sums per sampling unit and domain.

Large data can be summarised in SQL first (``GROUP BY stratum, psu, domain``: sum of ``w y``, sum of
``w``, row count).  The linearized variance of a mean depends on the rows only through the totals
of the influence values in each sampling unit, which are linear in these sums, so the estimates,
standard errors and degrees of freedom equal those from the rows; the cost grows with the number of
cells, not of rows (Wolter 2007, section 6.11).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from analysis.design import Design
from analysis.estimate import Estimate
from analysis.estimators import ratio
from analysis.intervals import proportion_interval
from analysis.reliability import reliability_flags


def mean_from_sums(
    weighted_sums,
    weight_sums,
    rows,
    *,
    clusters,
    strata=None,
    fpc=(),
    lonely_psu="fail",
    weighted_squares=None,
    domain=None,
    level=0.95,
    ci="t",
    target="",
) -> Estimate:
    """Estimate a mean from per-cell sums (one cell per sampling unit and domain).

    Parameters
    ----------
    weighted_sums, weight_sums, rows : (m,) arrays
        ``sum w y``, ``sum w`` and the number of rows with a value in each cell.
    clusters, strata, fpc, lonely_psu
        The design of the cells, as for :class:`~analysis.design.Design` (each cell lies in one
        unit of the last stage given).
    weighted_squares : (m,) array, optional
        ``sum w y^2`` per cell; gives the design effect and effective sample size (nan without).
    domain : (m,) bool array, optional
        The cells of the domain.

    Notes
    -----
    ``mu^ = sum_c S_c / sum_c W_c``; the influence total of cell ``c`` is ``(S_c - mu^ W_c) / W``,
    exactly the sum of the row influence values ``w_i (y_i - mu^) / W`` of the cell.
    """
    cells = _Cells(weighted_sums, weight_sums, rows, domain)
    result = _from_cells(cells, clusters, strata, fpc, lonely_psu, level, ci, target)
    if result.n == 0:
        return result
    if weighted_squares is not None and result.n > 1 and result.se > 0:
        squares = float(np.asarray(weighted_squares, dtype=float)[cells.mask].sum())
        population = cells.population
        s2 = (squares / population - result.estimate**2) * result.n / (result.n - 1)
        result = _with_effects(result, s2 / result.n, population)
    return replace(result, flags=reliability_flags(result))


def proportion_from_sums(
    event_sums,
    weight_sums,
    rows,
    *,
    clusters,
    strata=None,
    fpc=(),
    lonely_psu="fail",
    domain=None,
    level=0.95,
    ci="beta",
    target="",
) -> Estimate:
    """Estimate a proportion from per-cell sums of ``w y`` (y = 0/1), ``w`` and rows.

    The interval methods are those of :func:`analysis.intervals.proportion_interval` except
    ``likelihood``, which needs the rows.  Design effect and effective sample size follow from
    ``p``, its variance and ``n`` (``n_eff = n/(n-1) p(1-p)/v``).
    """
    if ci == "likelihood":
        raise ValueError(
            "khoảng likelihood cần dữ liệu từng dòng, không phải tổng; hãy dùng phương pháp khác / "
            "the likelihood interval needs the rows, not sums; use another method"
        )
    cells = _Cells(event_sums, weight_sums, rows, domain)
    result = _from_cells(cells, clusters, strata, fpc, lonely_psu, level, "t", target)
    if result.n == 0:
        return replace(result, statistic="proportion", method=ci)
    p, variance = result.estimate, result.se**2
    low, high, fell_back = proportion_interval(ci, p, variance, result.df, result.n, level)
    result = replace(result, statistic="proportion", ci_low=low, ci_high=high, method=ci)
    if result.n > 1:
        result = _with_effects(result, p * (1 - p) / (result.n - 1), cells.population)
    flags = ("boundary",) if fell_back else ()
    return replace(result, flags=flags + reliability_flags(result))


class _Cells:
    """The sums of the cells and the domain mask (cells with weight in the domain)."""

    def __init__(self, sums, weights, rows, domain):
        self.sums = np.asarray(sums, dtype=float)
        self.weights = np.asarray(weights, dtype=float)
        self.rows = np.asarray(rows, dtype=float)
        if not (self.sums.shape == self.weights.shape == self.rows.shape) or self.sums.ndim != 1:
            raise ValueError(
                "tổng, tổng trọng số và số dòng cần một giá trị cho mỗi ô / "
                "the sums, weight sums and row counts need one value per cell"
            )
        self.mask = self.weights > 0
        if domain is not None:
            self.mask &= np.asarray(domain, dtype=bool)
        self.population = float(self.weights[self.mask].sum())


def _from_cells(cells: _Cells, clusters, strata, fpc, lonely_psu, level, ci, target) -> Estimate:
    design = Design(
        weights=np.ones(cells.sums.size),
        strata=strata,
        clusters=clusters,
        fpc=fpc,
        lonely_psu=lonely_psu,
    )
    result = ratio(
        design, cells.sums, cells.weights, domain=cells.mask, level=level, ci=ci, target=target
    )
    if not cells.mask.any():
        return replace(result, statistic="mean")
    rows = int(cells.rows[cells.mask].sum())
    return replace(result, statistic="mean", n=rows, n_eff=math.nan, deff=math.nan, flags=())


def _with_effects(result: Estimate, srs_wr: float, population: float) -> Estimate:
    """Return the result with ``deff`` and ``n_eff`` from the with-replacement SRS variance."""
    variance = result.se**2
    without = srs_wr * (population - result.n) / population
    deff = variance / without if without > 0 else math.nan
    return replace(result, deff=deff, n_eff=result.n * srs_wr / variance)
