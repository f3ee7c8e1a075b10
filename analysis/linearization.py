"""Taylor-linearization variance of Horvitz-Thompson totals under a multistage design.

The computation follows the ultimate-cluster and multistage formulas of R ``survey``'s
``svyrecvar`` (Lumley 2010, sections 2.2 and 3.3; Wolter 2007, chapter 1): totals are
collapsed to sampling units, centred within their stratum (or parent unit), and the squared
deviations are weighted by ``(1 - f) n / (n - 1)``.  With a finite population correction at
stage ``s``, the variance of the later stages is added, multiplied by the sampling fractions of
the stages above.  Calibration steps first replace the weighted scores by their residuals.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: A sampling fraction this close to one makes a stratum self-representing (no variance), as in R.
SELF_REPRESENTING = 1e-7


def group_sums(x: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Return the column sums of ``x`` (n, k) within each of ``size`` integer groups."""
    out = np.empty((size, x.shape[1]))
    for j in range(x.shape[1]):
        out[:, j] = np.bincount(codes, weights=x[:, j], minlength=size)
    return out


@dataclass(frozen=True, eq=False)
class Stage:
    """The units sampled at one stage, each within a group (stratum or parent unit).

    Attributes
    ----------
    group : (n,) int
        Group of each row: the stratum at stage 1, the parent unit at later stages.
    unit : (n,) int
        Sampled unit of each row, coded uniquely across groups.
    unit_group : (C,) int
        Group of each unit.
    n_units : (G,) float
        Number of sampled units per group.
    popsize : (G,) float
        Number of population units per group (``inf`` without a finite population correction).
    """

    group: np.ndarray
    unit: np.ndarray
    unit_group: np.ndarray
    n_units: np.ndarray
    popsize: np.ndarray

    @property
    def correction(self) -> np.ndarray:
        """Return the finite population correction ``1 - n_g / N_g`` per group (1 without fpc)."""
        finite = np.isfinite(self.popsize)
        return np.where(finite, 1.0 - self.n_units / np.where(finite, self.popsize, 1.0), 1.0)

    @property
    def fraction(self) -> np.ndarray:
        """Return the sampling fraction ``n_g / N_g`` per group (0 without fpc)."""
        return np.where(np.isfinite(self.popsize), self.n_units / self.popsize, 0.0)

    @cached_property
    def group_first_row(self) -> np.ndarray:
        """Return the index of the first row of each group."""
        first = np.full(self.n_units.size, -1)
        first[self.group[::-1]] = np.arange(self.group.size)[::-1]
        return first

    def lonely_groups(self) -> np.ndarray:
        """Return a mask of groups with a single sampled unit that are not self-representing."""
        return (self.n_units == 1) & (self.correction >= SELF_REPRESENTING)


def stage_covariance(
    x: np.ndarray, stage: Stage, multiplier: np.ndarray, lonely: str
) -> np.ndarray:
    """Return the between-unit covariance of the totals of ``x`` at one stage.

    Parameters
    ----------
    x : (n, k) array
        Weighted scores ``w_i z_i``.
    stage : Stage
    multiplier : (G,) array
        Product of the sampling fractions of the stages above each group (1 at stage 1).
    lonely : str
        Handling of groups with a single unit: ``certainty`` and ``remove`` add nothing,
        ``adjust`` uses the unit total's deviation from zero, ``average`` scales the stage
        variance by ``G / G_ok`` (R ``survey.lonely.psu``).

    Notes
    -----
    For group ``g`` with ``n_g`` units and unit totals ``T_gc``:
    ``V_g = (1 - f_g) n_g / (n_g - 1) sum_c (T_gc - mean_c T_gc)(T_gc - mean_c T_gc)^T``.
    """
    n_groups = stage.n_units.size
    totals = group_sums(x, stage.unit, stage.unit_group.size)
    means = group_sums(totals, stage.unit_group, n_groups) / stage.n_units[:, None]
    deviations = totals - means[stage.unit_group]
    correction = stage.correction
    single = stage.n_units == 1
    scale = np.where(
        single, correction, correction * stage.n_units / np.maximum(stage.n_units - 1, 1)
    )
    scale = np.where(correction < SELF_REPRESENTING, 0.0, scale)
    lonely_mask = stage.lonely_groups()
    if lonely == "adjust":
        deviations = np.where(lonely_mask[stage.unit_group][:, None], totals, deviations)
    elif lonely == "average":
        scale = np.where(lonely_mask, 0.0, scale)
    unit_scale = (scale * multiplier)[stage.unit_group]
    covariance = deviations.T @ (deviations * unit_scale[:, None])
    if lonely == "average" and lonely_mask.any():
        ok = n_groups - int(lonely_mask.sum())
        covariance = covariance * (n_groups / ok) if ok else covariance * np.nan
    return covariance


def multistage_covariance(x: np.ndarray, stages: tuple[Stage, ...], lonely: str) -> np.ndarray:
    """Return the covariance of the totals of ``x`` summed over the stages of the design.

    Stage ``s + 1`` contributes only when stage ``s`` has a finite population correction; its
    groups are weighted by the product of the sampling fractions ``n_g / N_g`` above them.
    """
    k = x.shape[1]
    covariance = np.zeros((k, k))
    row_multiplier = np.ones(x.shape[0])
    for stage in stages:
        multiplier = row_multiplier[stage.group_first_row]
        if not multiplier.any():
            break
        covariance += stage_covariance(x, stage, multiplier, lonely)
        row_multiplier = row_multiplier * stage.fraction[stage.group]
    return covariance


@dataclass(frozen=True, eq=False)
class RegressionStep:
    """Calibration residuals of a linear (GREG) calibration, as R ``calibrate`` stores them.

    ``basis`` is an orthonormal basis (n, r) of the columns of ``X sqrt(w0)`` and ``scale`` is
    ``g sqrt(w0)``; the weighted scores ``x`` become ``scale * resid(x / scale)``, i.e. ``w e``
    with ``e`` the residual of the ``w0``-weighted regression of the scores on ``X``.
    """

    basis: np.ndarray
    scale: np.ndarray

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Return the weighted scores after removing the calibration model fit."""
        safe = np.where(self.scale == 0, 1.0, self.scale)[:, None]
        y = np.where(self.scale[:, None] == 0, 0.0, x / safe)
        return (y - self.basis @ (self.basis.T @ y)) * self.scale[:, None]


@dataclass(frozen=True, eq=False)
class PostStratumStep:
    """Post-stratification residuals, as R ``postStratify`` stores them.

    ``x`` becomes ``x - psw * m[c]`` with ``m_c = sum_c x oldw / psw / sum_c oldw`` per cell ``c``.
    """

    cells: np.ndarray
    weights: np.ndarray
    old_weights: np.ndarray

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Return the weighted scores centred within post-strata."""
        psw = np.where((self.weights == 0) & (self.old_weights == 0), 1.0, self.weights)
        size = int(self.cells.max()) + 1
        sums = group_sums(x * (self.old_weights / psw)[:, None], self.cells, size)
        old = np.bincount(self.cells, weights=self.old_weights, minlength=size)
        return x - (sums / old[:, None])[self.cells] * psw[:, None]


@dataclass(frozen=True, eq=False)
class RakingStep:
    """Raking residuals, as R ``rake`` stores them: ten back-fitting passes over the margins.

    Each margin has its cell codes and the weights after its last post-stratification; one pass
    replaces ``x`` by ``x - psw * mean_c(x / psw)`` for each margin in turn (unweighted means).
    """

    margins: tuple[tuple[np.ndarray, np.ndarray], ...]
    passes: int = 10

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Return the weighted scores after back-fitting the raking margins."""
        for _ in range(self.passes):
            for cells, psw in self.margins:
                size = int(cells.max()) + 1
                counts = np.bincount(cells, minlength=size)[:, None]
                means = group_sums(x / psw[:, None], cells, size) / counts
                x = x - psw[:, None] * means[cells]
        return x
