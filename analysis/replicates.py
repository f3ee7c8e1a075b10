"""Replicate-weight designs: jackknife (JK1, JKn) and Rao-Wu rescaling bootstrap.

References
----------
Wolter, K. M. (2007). Introduction to Variance Estimation, 2nd ed., chapters 4 and 5.
Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey data. JASA 83,
231-241.  Rao, J. N. K., Wu, C. F. J. and Yue, K. (1992). Some recent work on resampling methods
for complex surveys. Survey Methodology 18, 209-217.  Lumley, T. (2010), section 2.3.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from analysis.design import Design, DesignError
from analysis.linearization import SELF_REPRESENTING, group_sums

REPLICATE_METHODS = ("jk1", "jkn", "bootstrap")
_DEFAULT_BOOTSTRAP = 200
#: Largest number of PSUs for a jackknife (one replicate per PSU: memory and rank grow as PSU^2).
MAX_JACKKNIFE_PSU = 2000


class ReplicateDesign:
    """Replicate-weight design: full-sample weights plus R replicate weight columns.

    Parameters
    ----------
    weights : (n,) array
        Full-sample weights.
    replicate_weights : (n, R) array, optional
        Replicate weights (not multipliers).  Either this or ``multipliers`` with ``psu``.
    scale : float
        Overall scale of the variance.
    rscales : (R,) array, optional
        Per-replicate scales (default all one).
    mse : bool
        Centre the replicates on the full-sample estimate (True) or on their mean (False, R's default).
    multipliers : (P, R) array, optional
        Replicate weight multipliers per PSU; row ``psu[i]`` multiplies ``weights[i]``.  Given
        together with ``replicate_weights`` (calibrated replicates), they only serve the degrees of
        freedom, which calibration does not change.
    psu : (n,) int array, optional
        PSU code (0..P-1) of each row, with ``multipliers``.
    df : float, optional
        Degrees of freedom; by default the rank of the replicate weights minus one, as R ``degf``.

    Notes
    -----
    ``V(theta) = scale sum_r rscales_r (theta_r - c)(theta_r - c)^T`` with ``c`` the full-sample
    estimate (``mse``) or the mean of the replicates with a positive ``rscales_r``.
    """

    def __init__(
        self,
        weights,
        replicate_weights=None,
        *,
        scale,
        rscales=None,
        mse=False,
        multipliers=None,
        psu=None,
        df=None,
        method="custom",
    ):
        self.weights = np.array(weights, dtype=float)
        self.n = self.weights.size
        if (self.weights < 0).any() or not np.isfinite(self.weights).all():
            raise DesignError(
                "trọng số phải hữu hạn và không âm / weights must be finite and not negative"
            )
        if replicate_weights is None and (multipliers is None or psu is None):
            raise DesignError("give replicate_weights, or multipliers with psu")
        self._full, self._multipliers, self._psu = None, None, None
        if replicate_weights is not None:
            self._full = np.asarray(replicate_weights, dtype=float)
            if self._full.ndim != 2 or self._full.shape[0] != self.n:
                raise DesignError(f"replicate weights must be an ({self.n}, R) array")
        if multipliers is not None and psu is not None:
            self._multipliers = np.asarray(multipliers, dtype=float)
            self._psu = np.asarray(psu, dtype=np.int64)
            if self._multipliers.ndim != 2 or self._psu.shape != (self.n,):
                raise DesignError("multipliers must be (P, R) and psu must give each row's PSU")
            if self._psu.min() < 0 or self._psu.max() >= self._multipliers.shape[0]:
                raise DesignError("psu codes must index the rows of multipliers")
        count = (self._full if self._full is not None else self._multipliers).shape[1]
        self.scale = float(scale)
        self.rscales = np.ones(count) if rscales is None else np.asarray(rscales, dtype=float)
        if self.rscales.shape != (count,):
            raise DesignError(f"rscales must have one value per replicate ({count})")
        self.mse = bool(mse)
        self.method = method
        self._df = float(df) if df is not None else self._rank_df(np.ones(self.n, dtype=bool))

    @property
    def replicates(self) -> int:
        """Return the number of replicates."""
        return self.rscales.size

    @property
    def replicate_weights(self) -> np.ndarray:
        """Return the (n, R) replicate weights."""
        if self._full is not None:
            return self._full
        return self.weights[:, None] * self._multipliers[self._psu]

    @classmethod
    def from_design(
        cls,
        design: Design,
        method: str,
        *,
        replicates: int | None = None,
        seed: int | None = None,
        mse: bool = False,
    ) -> ReplicateDesign:
        """Return replicate weights for ``design`` by ``method`` (``jk1``, ``jkn`` or ``bootstrap``).

        Notes
        -----
        JK1 (unstratified): replicate ``j`` drops PSU ``j`` and multiplies the others by
        ``n/(n-1)``; ``scale = (1 - f)(n-1)/n``.  JKn: within stratum ``h`` the same with ``n_h``,
        ``rscales = (1 - f_h)(n_h - 1)/n_h``, ``scale = 1``; lonely strata as R ``jknweights``.
        The first-stage fpc is carried as R ``as.svrepdesign`` does.  Bootstrap (Rao-Wu rescaling):
        in each stratum ``m_h = n_h - 1`` PSUs are drawn with replacement, ``k_hi`` times each, and
        the multiplier is ``1 - l_h + l_h k_hi n_h / m_h`` with ``l_h = sqrt(1 - f_h)``;
        ``scale = 1 / (R - 1)``.  Random draws use ``numpy.random.default_rng(seed)``.
        When ``design`` is calibrated (or trimmed), every replicate starts from the weights before
        calibration times its multipliers and goes through the same calibration steps, so the
        replicate variance reflects the calibration (R's ``calibrate(as.svrepdesign(...))``; R's
        ``as.svrepdesign`` of a calibrated design would ignore it).
        """
        if method not in REPLICATE_METHODS:
            raise DesignError(
                f"phương pháp lặp phải là một trong {', '.join(REPLICATE_METHODS)}, không phải "
                f"{method!r} / replicate method must be one of {', '.join(REPLICATE_METHODS)}, "
                f"not {method!r}"
            )
        stage = design.stages[0]
        if method != "bootstrap" and stage.unit_group.size > MAX_JACKKNIFE_PSU:
            raise DesignError(
                f"jackknife cần một bản lặp cho mỗi PSU ({stage.unit_group.size}); trên "
                f"{MAX_JACKKNIFE_PSU} PSU hãy dùng bootstrap hoặc khai báo cụm của thiết kế / "
                f"the jackknife needs one replicate per PSU ({stage.unit_group.size}); above "
                f"{MAX_JACKKNIFE_PSU} PSUs use the bootstrap or give the design its clusters"
            )
        if method == "jk1":
            multipliers, scale, rscales = _jk1(design, stage)
        elif method == "jkn":
            multipliers, scale, rscales = _jkn(design, stage)
        else:
            count = _DEFAULT_BOOTSTRAP if replicates is None else int(replicates)
            if count < 2:
                raise DesignError(
                    "bootstrap cần ít nhất 2 bản lặp / the bootstrap needs at least 2 replicates"
                )
            multipliers, scale, rscales = _bootstrap(
                design, stage, count, np.random.default_rng(seed)
            )
        replicate_weights = None
        if design.recipe:
            replicate_weights = design.base_weights[:, None] * multipliers[stage.unit]
            for reweight in design.recipe:
                replicate_weights = _each_column(reweight, replicate_weights)
        return cls(
            design.weights,
            replicate_weights,
            scale=scale,
            rscales=rscales,
            mse=mse,
            multipliers=multipliers,
            psu=stage.unit,
            method=method,
        )

    def reweighted(self, reweight: Callable[[np.ndarray], np.ndarray]) -> ReplicateDesign:
        """Return the design with ``reweight`` applied to the full-sample weights and every replicate."""
        return ReplicateDesign(
            reweight(self.weights),
            _each_column(reweight, self.replicate_weights),
            scale=self.scale,
            rscales=self.rscales,
            mse=self.mse,
            multipliers=self._multipliers,
            psu=self._psu,
            df=self._df,
            method=self.method,
        )

    def degrees_of_freedom(self, mask=None) -> float:
        """Return the rank of the replicate weights (rows in ``mask``) minus one, as R ``degf``."""
        if mask is None:
            return self._df
        return self._rank_df(np.asarray(mask, dtype=bool))

    def _rank_df(self, mask: np.ndarray) -> float:
        inset = mask & (self.weights != 0)
        if self._multipliers is None:
            rows = self._full[inset]
        else:
            rows = self._multipliers[np.unique(self._psu[inset])]
        if rows.size == 0:
            return 0.0
        gram = rows @ rows.T if rows.shape[0] <= rows.shape[1] else rows.T @ rows
        eigenvalues = np.linalg.eigvalsh(gram)
        # singular values above 1e-5 of the largest, as R's qr(tol = 1e-5) rank
        return float(np.count_nonzero(eigenvalues > 1e-10 * eigenvalues[-1]) - 1)

    def replicate_totals(self, x: np.ndarray) -> np.ndarray:
        """Return the (R, m) replicate totals ``sum_i w_ir x_ij`` of the (n, m) array ``x``."""
        x = np.asarray(x, dtype=float).reshape(self.n, -1)
        if self._full is not None:
            return self._full.T @ x
        sums = group_sums(x * self.weights[:, None], self._psu, self._multipliers.shape[0])
        return self._multipliers.T @ sums

    def replicate_covariance(self, thetas: np.ndarray, full: np.ndarray) -> np.ndarray:
        """Return the (k, k) covariance from replicate estimates (R, k) and the full-sample ones (k,)."""
        thetas = np.asarray(thetas, dtype=float).reshape(self.replicates, -1)
        centre = (
            np.asarray(full, dtype=float) if self.mse else thetas[self.rscales > 0].mean(axis=0)
        )
        deviations = thetas - centre
        return self.scale * (deviations.T @ (deviations * self.rscales[:, None]))

    def covariance_of(self, statistic: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Return the (k, k) replicate covariance of ``statistic(weights) -> (k,)``."""
        full = np.atleast_1d(np.asarray(statistic(self.weights), dtype=float))
        thetas = np.array(
            [
                np.atleast_1d(np.asarray(statistic(self._column(r)), dtype=float))
                for r in range(self.replicates)
            ]
        )
        return self.replicate_covariance(thetas, full)

    def _column(self, r: int) -> np.ndarray:
        if self._full is not None:
            return self._full[:, r]
        return self.weights * self._multipliers[self._psu, r]

    def __repr__(self) -> str:
        return f"ReplicateDesign(n={self.n}, method={self.method!r}, replicates={self.replicates})"


def _each_column(reweight, weights: np.ndarray) -> np.ndarray:
    """Return ``reweight`` applied to every column of an (n, R) weight matrix."""
    return np.column_stack([reweight(weights[:, r]) for r in range(weights.shape[1])])


def _jk1(design: Design, stage):
    if design.has_strata:
        raise DesignError(
            "JK1 dành cho thiết kế không phân tầng; thiết kế phân tầng hãy dùng jkn / "
            "JK1 is for unstratified designs; use jkn for a stratified design"
        )
    n = stage.unit_group.size
    if n < 2:
        raise DesignError("jackknife cần ít nhất hai PSU / the jackknife needs at least two PSUs")
    multipliers = np.full((n, n), n / (n - 1))
    np.fill_diagonal(multipliers, 0.0)
    return multipliers, float(stage.correction[0] * (n - 1) / n), np.ones(n)


def _jkn(design: Design, stage):
    n_psu = stage.unit_group.size
    n_strata = stage.n_units.size
    correction = stage.correction
    columns, rscales = [], []
    for h in range(n_strata):
        units = np.flatnonzero(stage.unit_group == h)
        n_h = units.size
        if correction[h] < SELF_REPRESENTING:
            continue
        if n_h == 1:  # a Design with lonely_psu "fail" has no lonely stratum
            if design.lonely_psu == "adjust":
                column = np.where(stage.unit_group == h, 0.0, n_strata / (n_strata - 1))
                columns.append(column)
                rscales.append((n_strata - 1) / n_strata)
            continue
        block = np.ones((n_psu, n_h))
        block[units, :] = n_h / (n_h - 1)
        block[units, np.arange(n_h)] = 0.0
        columns.extend(block.T)
        rscales.extend([correction[h] * (n_h - 1) / n_h] * n_h)
    if not columns:
        raise DesignError(
            "mọi tầng đều được điều tra toàn bộ: không có sai số chọn mẫu / "
            "every stratum was sampled completely: there is no sampling variance"
        )
    scale = n_psu / len(columns) if design.lonely_psu == "average" and len(columns) < n_psu else 1.0
    return np.array(columns).T, scale, np.array(rscales)


def _bootstrap(design: Design, stage, count: int, rng: np.random.Generator):
    n_psu = stage.unit_group.size
    multipliers = np.ones((n_psu, count))
    correction = stage.correction
    for h in range(stage.n_units.size):
        units = np.flatnonzero(stage.unit_group == h)
        n_h = units.size
        if n_h == 1:  # lonely or census: no resampling within the stratum
            continue
        draws = rng.multinomial(n_h - 1, np.full(n_h, 1.0 / n_h), size=count).T
        rescale = np.sqrt(max(correction[h], 0.0))
        multipliers[units] = 1 - rescale + rescale * draws * n_h / (n_h - 1)
    return multipliers, 1.0 / (count - 1), np.ones(count)
