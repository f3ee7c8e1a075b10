"""Design-based totals, means, proportions and ratios, for whole samples and domains.

Every estimator here is a smooth function ``theta = g(t)`` of Horvitz-Thompson totals
``t = sum_i w_i x_i``.  Under a :class:`~analysis.design.Design` its variance is the design
covariance of the influence values ``z_i = x_i grad g`` (Taylor linearization, Binder 1983;
Wolter 2007, chapter 6); under a :class:`~analysis.replicates.ReplicateDesign` it is the replicate
variance of ``g`` evaluated at the replicate totals.  A domain (subpopulation) is estimated on the
full design with ``x_i = 0`` outside it, never by dropping rows, so the variance counts the
PSUs where the domain happens to be absent (Lumley 2010, section 2.5).  Missing values (nan) are
treated as outside the domain, like R's ``na.rm = TRUE``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from analysis.estimate import Estimate
from analysis.intervals import proportion_interval, t_interval
from analysis.likelihood import likelihood_interval
from analysis.reliability import reliability_flags
from analysis.replicates import ReplicateDesign


def _domain_mask(design, domain, *columns: np.ndarray) -> np.ndarray:
    mask = (
        np.ones(design.n, dtype=bool) if domain is None else np.asarray(domain, dtype=bool).copy()
    )
    if mask.shape != (design.n,):
        raise ValueError(
            f"miền có {mask.size} giá trị, thiết kế có {design.n} dòng / "
            f"domain mask has {mask.size} values, the design has {design.n} rows"
        )
    for column in columns:
        mask &= ~np.isnan(column)
    return mask


def _column(values, design, what: str) -> np.ndarray:
    column = np.asarray(values, dtype=float)
    if column.shape != (design.n,):
        raise ValueError(
            f"{what} có {column.size} giá trị, thiết kế có {design.n} dòng / "
            f"{what} has {column.size} values, the design has {design.n} rows"
        )
    return column


def _covariance(design, x: np.ndarray, g: Callable, influence: np.ndarray) -> np.ndarray:
    """Return the covariance of ``g(t)``: linearized, or from replicate totals."""
    if isinstance(design, ReplicateDesign):
        return design.replicate_covariance(g(design.replicate_totals(x)), g(x.T @ design.weights))
    return design.covariance(influence)


def _srs_variance(design, z: np.ndarray, mask: np.ndarray) -> tuple[float, float, float]:
    """Return ``(v_wr, population, rows)``: the with-replacement SRS variance of the total of z.

    ``v_wr = N^2 s_w^2 / n`` with ``s_w^2`` the weighted variance of ``z`` in the domain times
    ``n / (n - 1)`` (R ``svyvar``), ``N`` the domain's weight total and ``n`` its rows with
    non-zero weight.
    """
    w = design.weights[mask]
    zd = z[mask]
    rows = float(np.count_nonzero(w))
    population = float(w.sum())
    if rows < 2 or population <= 0:
        return math.nan, population, rows
    mean = np.sum(w * zd) / population
    s2 = np.sum(w * (zd - mean) ** 2) / population * rows / (rows - 1)
    return float(population**2 * s2 / rows), population, rows


def _effects(variance: float, srs_wr: float, population: float, rows: float) -> tuple[float, float]:
    """Return ``(deff, n_eff)``: R's design effect (SRS without replacement) and ``n v_wr / v``."""
    if not (variance > 0) or not math.isfinite(srs_wr):
        return math.nan, math.nan
    without = srs_wr * (population - rows) / population
    deff = variance / without if without > 0 else math.nan
    return deff, rows * srs_wr / variance


def _empty(statistic, target, level, method, df) -> Estimate:
    nan = math.nan
    return Estimate(statistic, target, None, nan, nan, nan, nan, df, 0, nan, nan, level, method,
                    flags=("empty_domain",))  # fmt: skip


def _finish(
    statistic, target, design, mask, estimate, variance, z, level, method, interval=None
) -> Estimate:
    df = design.degrees_of_freedom(mask)
    se = math.sqrt(max(variance, 0.0)) if not math.isnan(variance) else math.nan  # rounding
    srs_wr, population, rows = _srs_variance(design, z, mask)
    deff, n_eff = _effects(variance, srs_wr, population, rows)
    flags: tuple[str, ...] = ()
    if interval is None:
        low, high = t_interval(estimate, se, math.inf if method == "z" else df, level)
    else:
        low, high, fell_back = interval(df)
        flags = ("boundary",) if fell_back else ()
    result = Estimate(
        statistic,
        target,
        None,
        float(estimate),
        se,
        float(low),
        float(high),
        math.inf if method == "z" else df,
        int(mask.sum()),
        n_eff,
        deff,
        level,
        method,
    )
    return replace(result, flags=flags + reliability_flags(result))


def _check_ci(ci: str) -> str:
    if ci not in ("t", "z"):
        raise ValueError(
            f"khoảng {ci!r} dành cho tỷ lệ; trung bình, tổng và tỷ số dùng t hoặc z / "
            f"interval {ci!r} is for proportions; means, totals and ratios use t or z"
        )
    return ci


def _ratio_of_totals(t: np.ndarray) -> np.ndarray:
    return t[..., 0] / t[..., 1]


def total(design, y, *, domain=None, level=0.95, ci="t", target="") -> Estimate:
    """Estimate the population total of ``y`` (in the domain).

    Notes
    -----
    ``t^ = sum_i w_i d_i y_i`` with influence ``z_i = d_i y_i`` (Horvitz and Thompson 1952).
    """
    y = _column(y, design, "y")
    mask = _domain_mask(design, domain, y)
    if not mask.any():
        return _empty("total", target, level, _check_ci(ci), math.nan)
    z = np.where(mask, y, 0.0)
    x = z[:, None]
    estimate = float(z @ design.weights)
    variance = float(_covariance(design, x, lambda t: t[..., 0], x)[0, 0])
    return _finish("total", target, design, mask, estimate, variance, z, level, _check_ci(ci))


def _mean_parts(design, y, mask):
    d = mask.astype(float)
    yd = np.where(mask, y, 0.0)
    population = float(d @ design.weights)
    estimate = float(yd @ design.weights) / population
    z = d * (np.where(mask, y, estimate) - estimate) / population
    x = np.column_stack([yd, d])
    variance = float(_covariance(design, x, _ratio_of_totals, z[:, None])[0, 0])
    return estimate, variance, z


def mean(design, y, *, domain=None, level=0.95, ci="t", target="") -> Estimate:
    """Estimate the population mean of ``y`` (in the domain).

    Notes
    -----
    ``mu^ = sum_i w_i d_i y_i / sum_i w_i d_i`` with influence ``z_i = d_i (y_i - mu^) / N^_d``
    (Woodruff 1971).
    """
    y = _column(y, design, "y")
    mask = _domain_mask(design, domain, y)
    if not mask.any() or not design.weights[mask].sum() > 0:
        return _empty("mean", target, level, _check_ci(ci), math.nan)
    estimate, variance, z = _mean_parts(design, y, mask)
    return _finish("mean", target, design, mask, estimate, variance, z, level, _check_ci(ci))


def proportion(design, event, *, domain=None, level=0.95, ci="beta", target="") -> Estimate:
    """Estimate the population proportion of ``event`` (0/1, nan = missing) with an interval by ``ci``.

    Notes
    -----
    The estimate and its variance are those of :func:`mean`; the interval methods are described in
    :func:`analysis.intervals.proportion_interval` (R ``svyciprop`` semantics).  Under a
    :class:`~analysis.replicates.ReplicateDesign` the ``logit`` interval uses the replicate variance of
    ``logit p_r``, as R's ``svyglm`` does for replicate designs (``xlogit`` keeps the delta method).
    """
    y = _column(event, design, "event")
    observed = y[~np.isnan(y)]
    if not np.isin(observed, (0.0, 1.0)).all():
        raise ValueError(
            "tỷ lệ cần biến sự kiện 0/1 (hoặc đúng/sai); nan là giá trị thiếu / "
            "a proportion needs a 0/1 (or boolean) event; nan marks a missing value"
        )
    mask = _domain_mask(design, domain, y)
    if not mask.any() or not design.weights[mask].sum() > 0:
        return _empty("proportion", target, level, ci, math.nan)
    estimate, variance, z = _mean_parts(design, y, mask)
    rows = int(mask.sum())

    def interval(df: float):
        def profile():
            inset = mask & (design.weights != 0)
            return likelihood_interval(
                y[inset], design.weights[inset], estimate, variance, df, level
            )

        interval_variance = variance
        if ci == "logit" and isinstance(design, ReplicateDesign) and 0 < estimate < 1:
            logit_variance = _replicate_logit_variance(design, y, mask, estimate)
            interval_variance = logit_variance * (estimate * (1 - estimate)) ** 2
        return proportion_interval(ci, estimate, interval_variance, df, rows, level, profile)

    return _finish("proportion", target, design, mask, estimate, variance, z, level, ci, interval)


def _replicate_logit_variance(design: ReplicateDesign, y, mask, estimate: float) -> float:
    """Return the replicate variance of ``logit p_r`` for a domain proportion."""
    x = np.column_stack([np.where(mask, y, 0.0), mask.astype(float)])
    totals = design.replicate_totals(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        thetas = np.log(totals[:, 0] / (totals[:, 1] - totals[:, 0]))
    full = math.log(estimate / (1 - estimate))
    return float(design.replicate_covariance(thetas[:, None], np.array([full]))[0, 0])


def ratio(
    design, numerator, denominator, *, domain=None, level=0.95, ci="t", target=""
) -> Estimate:
    """Estimate the ratio of the population totals of ``numerator`` and ``denominator``.

    Notes
    -----
    ``R^ = t^_y / t^_x`` with influence ``z_i = d_i (y_i - R^ x_i) / t^_x``.
    """
    y = _column(numerator, design, "numerator")
    xcol = _column(denominator, design, "denominator")
    mask = _domain_mask(design, domain, y, xcol)
    if not mask.any():
        return _empty("ratio", target, level, _check_ci(ci), math.nan)
    yd, xd = np.where(mask, y, 0.0), np.where(mask, xcol, 0.0)
    denominator_total = float(xd @ design.weights)
    if denominator_total == 0:
        return replace(
            _empty("ratio", target, level, ci, math.nan),
            n=int(mask.sum()),
            flags=("zero_denominator",),
        )
    estimate = float(yd @ design.weights) / denominator_total
    z = (yd - estimate * xd) / denominator_total
    x = np.column_stack([yd, xd])
    variance = float(_covariance(design, x, _ratio_of_totals, z[:, None])[0, 0])
    return _finish("ratio", target, design, mask, estimate, variance, z, level, _check_ci(ci))


def means_with_covariance(design, ys, *, domain=None) -> tuple[np.ndarray, np.ndarray, float]:
    """Return the means of the columns of ``ys`` (n, k), their joint (k, k) covariance and df.

    Missing values are handled per column (available cases): column ``j`` uses the rows where it
    is observed, and its influence values are zero elsewhere.  ``df`` is the design degrees of
    freedom of the domain rows with at least one observed value.

    Notes
    -----
    ``mu_j = sum_i w_i d_ij y_ij / N_j``, ``z_ij = d_ij (y_ij - mu_j) / N_j``; the covariance is that
    of the totals of ``z`` (linearization) or of the replicate means.
    """
    ys = np.asarray(ys, dtype=float)
    if ys.ndim != 2 or ys.shape[0] != design.n:
        raise ValueError(f"ys must be an ({design.n}, k) array")
    base = _domain_mask(design, domain)
    masks = base[:, None] & ~np.isnan(ys)
    d = masks.astype(float)
    yd = np.where(masks, ys, 0.0)
    populations = design.weights @ d
    with np.errstate(invalid="ignore", divide="ignore"):
        estimates = (design.weights @ yd) / populations
        z = d * (np.where(masks, ys, 0.0) - estimates) / populations
    k = ys.shape[1]
    x = np.column_stack([yd, d])
    covariance = _covariance(design, x, lambda t: t[..., :k] / t[..., k:], np.nan_to_num(z))
    df = design.degrees_of_freedom(masks.any(axis=1))
    return estimates, covariance, df


def by(design, estimator, groups: dict[str, np.ndarray], *args, **kw) -> list[Estimate]:
    """Apply ``estimator`` to every observed combination of group labels, sorted by label.

    The estimator receives ``domain=mask`` (the group combined with any ``domain`` given in
    ``kw``) and its result carries ``domain={"column": label, ...}``.  Rows with a missing label
    belong to no group.
    """
    if not groups:
        raise ValueError("by() cần ít nhất một cột nhóm / by() needs at least one grouping column")
    extra = kw.pop("domain", None)
    base = np.ones(design.n, dtype=bool) if extra is None else np.asarray(extra, dtype=bool)
    names = list(groups)
    codes, uniques = [], []
    for name in names:
        values = np.asarray(groups[name])
        if values.shape != (design.n,):
            raise ValueError(
                f"nhóm {name!r} có {values.size} giá trị, thiết kế có {design.n} dòng / "
                f"group {name!r} has {values.size} values, the design has {design.n} rows"
            )
        present = _present(values)
        labels, code = np.unique(values[present], return_inverse=True)
        full = np.full(design.n, -1)
        full[present] = code
        codes.append(full)
        uniques.append(labels)
    keep = np.all([code >= 0 for code in codes], axis=0)
    combined = np.zeros(design.n, dtype=np.int64)
    for code, labels in zip(codes, uniques):
        combined = combined * labels.size + code
    combined = np.where(keep, combined, -1)
    results = []
    for value in np.unique(combined[keep]):
        mask = combined == value
        position, label = int(value), {}
        for name, labels in reversed(list(zip(names, uniques))):
            position, index = divmod(position, labels.size)
            label[name] = _plain(labels[index])
        label = {name: label[name] for name in names}
        result = estimator(design, *args, domain=mask & base, **kw)
        results.append(replace(result, domain=label))
    return results


def _present(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return ~np.isnan(values)
    if values.dtype.kind == "O":
        return np.not_equal(values, None) & np.equal(values, values)
    return np.ones(values.size, dtype=bool)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value
