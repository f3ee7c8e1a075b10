"""Profile-likelihood interval for a proportion, as R ``svyciprop(method = "likelihood")``.

R fits the intercept-only quasi-binomial ``svyglm`` and profiles its working deviance, scaled by
the design-based dispersion, then inverts the profile at a level rescaled by the design effect
(Rao-Scott).  The profile is evaluated on MASS's grid of steps and read off an FMM cubic spline,
so reproducing R's numbers needs the same grid and the same spline; both are implemented here.

References
----------
Lumley, T. (2010). Complex Surveys, section 2.4.2.  Rao, J. N. K. and Scott, A. J. (1984).
Annals of Statistics 12, 46-60.  Venables, W. N. and Ripley, B. D. (2002). Modern Applied
Statistics with S, section 8.4 (profile.glm).  Forsythe, G. E., Malcolm, M. A. and Moler, C. B.
(1977). Computer Methods for Mathematical Computations, section 4.4 (the "fmm" spline).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

_MAX_STEPS = 10
_EXTRA_STEPS = 1000
_MAX_Z = 1000.0


def likelihood_interval(
    y: np.ndarray, w: np.ndarray, p: float, variance: float, df: float, level: float
):
    """Return the profile-likelihood interval for a weighted proportion.

    Parameters
    ----------
    y : (m,) array of 0/1
        The event for the rows of the domain.
    w : (m,) array
        Their sampling weights.
    p, variance : float
        The estimated proportion and its design variance.
    df : float
        Design degrees of freedom (``inf`` for normal quantiles).
    level : float

    Notes
    -----
    With ``b = logit p``, design variance of ``b``  ``V = v / (p(1-p))^2``, model variance
    ``V0 = 1 / (sum w' mu(1-mu))`` (``w' = w / mean w``, ``mu`` from R's IRLS, see
    :func:`_model_information`) and ``lambda = V / V0``, the profile
    ``z(b) = sign(b - b^) sqrt((D(b) - D(b^)) / phi)`` (``D`` the binomial deviance with weights
    ``w'``, ``phi`` the design-based variance of the unweighted Pearson residuals) is inverted at
    ``Phi^{-1}(2 alpha)`` and ``Phi^{-1}(1 - 2 alpha)``, ``alpha = Phi(t_{df, (1-level)/2}
    sqrt(lambda)) / 2``.
    """
    if df <= 0 or math.isnan(df):
        return math.nan, math.nan
    y = np.asarray(y, dtype=float)
    scaled = w / w.mean()
    b0 = math.log(p / (1 - p))
    std_err = math.sqrt(variance) / (p * (1 - p))
    lam = variance / (p * (1 - p)) ** 2 * _model_information(y, scaled)
    quantile = (
        stats.norm.ppf((1 - level) / 2) if math.isinf(df) else stats.t.ppf((1 - level) / 2, df)
    )
    alpha = stats.norm.cdf(quantile * math.sqrt(lam)) / 2
    dispersion = _pearson_dispersion(y, w, p)
    # R's step length; capped so that tiny df (alpha near 0) cannot make the steps infinite
    zmax = min(math.sqrt(stats.f.isf(alpha, 1, y.size - 1)), _MAX_Z)
    delta = zmax / 5

    def deviance(b: float) -> float:
        log_mu, log_complement = -np.logaddexp(0.0, -b), -np.logaddexp(0.0, b)
        return float(-2 * np.sum(scaled * (y * log_mu + (1 - y) * log_complement)))

    d0 = deviance(b0)
    cut = stats.norm.ppf(2 * alpha)
    points = [(b0, 0.0)]
    for sign in (-1, 1):
        step, z = 0, 0.0
        while (step := step + 1) < _MAX_STEPS and abs(z) < zmax:
            b = b0 + sign * step * delta * std_err
            z = sign * math.sqrt(max((deviance(b) - d0) / dispersion, 0.0))
            points.append((b, z))
        # Where R's grid stops short of the cutoff R returns NA; we keep stepping instead.
        while abs(z) < abs(cut) and step < _EXTRA_STEPS:
            b = b0 + sign * step * delta * std_err
            z = sign * math.sqrt(max((deviance(b) - d0) / dispersion, 0.0))
            points.append((b, z))
            step += 1
    points.sort(key=lambda point: point[1])
    b_values = np.array([point[0] for point in points])
    z_values = np.array([point[1] for point in points])
    grid, fitted = fmm_spline(b_values, z_values, 3 * b_values.size)
    low, high = _approx(fitted, grid, np.array([cut, -cut]))
    # a profile that never reaches the cutoff (tiny df, huge design effect) leaves that side open
    low_p = 0.0 if math.isnan(low) else 1 / (1 + math.exp(-low))
    high_p = 1.0 if math.isnan(high) else 1 / (1 + math.exp(-high))
    return low_p, high_p


def _model_information(y: np.ndarray, prior: np.ndarray) -> float:
    """Return ``sum w' mu (1 - mu)`` at the working weights of R ``glm.fit``'s last iteration.

    R's model-based ("naive") variance of the intercept comes from the QR decomposition of the
    last iteratively reweighted least squares step, whose weights use the fitted value of the
    iteration before; replaying the iterations (start ``(w' y + 1/2) / (w' + 1)``, convergence
    when the relative change of deviance is below 1e-8) reproduces it.
    """

    def deviance(mu):
        return float(-2 * np.sum(prior * (y * np.log(mu) + (1 - y) * np.log1p(-mu))))

    mu = (prior * y + 0.5) / (prior + 1)
    eta = np.log(mu / (1 - mu))
    previous = deviance(mu)
    for _ in range(25):
        working = prior * mu * (1 - mu)
        b = float(np.sum(working * (eta + (y - mu) / (mu * (1 - mu)))) / working.sum())
        eta = np.full(y.size, b)
        mu = 1 / (1 + np.exp(-eta))
        current = deviance(mu)
        if abs(current - previous) / (abs(current) + 0.1) < 1e-8:
            break
        previous = current
    return float(working.sum())


def _pearson_dispersion(y, w, p) -> float:
    """Return the design-based variance of the Pearson residuals (R ``svyvar``).

    The residuals of a ``svyglm`` are ``(y - mu) / sqrt(mu (1 - mu))``: R divides the sampling
    weights out of them (``residuals.svyglm``).
    """
    residuals = (y - p) / math.sqrt(p * (1 - p))
    total = w.sum()
    mean = np.sum(w * residuals) / total
    n = np.count_nonzero(w)
    return float(np.sum(w * (residuals - mean) ** 2) / total * n / (n - 1))


def fmm_spline(x: np.ndarray, y: np.ndarray, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``n_out`` equally spaced points of the FMM interpolating cubic spline through (x, y).

    Notes
    -----
    Ties in ``x`` are averaged (R ``regularize.values``).  The second derivatives ``M`` solve the
    usual continuity equations ``h_{i-1} M_{i-1} + 2(h_{i-1} + h_i) M_i + h_i M_{i+1} =
    6 (d_i - d_{i-1})`` with Forsythe-Malcolm-Moler end conditions: the third derivative at each end
    equals that of the cubic through the four points nearest to it (a parabola through three points).
    """
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    x, index = np.unique(x, return_inverse=True)
    y = np.bincount(index, weights=y) / np.bincount(index)
    grid = np.linspace(x[0], x[-1], n_out)
    if x.size < 3:
        return grid, np.interp(grid, x, y)
    h = np.diff(x)
    slopes = np.diff(y) / h
    m = x.size
    system = np.zeros((m, m))
    rhs = np.zeros(m)
    for i in range(1, m - 1):
        system[i, i - 1 : i + 2] = h[i - 1], 2 * (h[i - 1] + h[i]), h[i]
        rhs[i] = 6 * (slopes[i] - slopes[i - 1])
    left = _third_difference(x[:4], y[:4]) if m >= 4 else 0.0
    right = _third_difference(x[-4:], y[-4:]) if m >= 4 else 0.0
    system[0, :2] = -1.0, 1.0
    rhs[0] = 6 * h[0] * left
    system[-1, -2:] = -1.0, 1.0
    rhs[-1] = 6 * h[-1] * right
    second = np.linalg.solve(system, rhs)
    cell = np.clip(np.searchsorted(x, grid, side="right") - 1, 0, m - 2)
    t = grid - x[cell]
    hc = h[cell]
    b = slopes[cell] - hc * (2 * second[cell] + second[cell + 1]) / 6
    values = y[cell] + t * (
        b + t * (second[cell] / 2 + t * (second[cell + 1] - second[cell]) / (6 * hc))
    )
    return grid, values


def _third_difference(x: np.ndarray, y: np.ndarray) -> float:
    """Return the divided difference ``f[x0, x1, x2, x3]``."""
    first = np.diff(y) / np.diff(x)
    second = np.diff(first) / (x[2:] - x[:-2])
    return float((second[1] - second[0]) / (x[3] - x[0]))


def _approx(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Interpolate linearly like R ``approx`` (ties averaged, nan outside the range)."""
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    x, index = np.unique(x, return_inverse=True)
    y = np.bincount(index, weights=y) / np.bincount(index)
    values = np.interp(at, x, y)
    return np.where((at < x[0]) | (at > x[-1]), np.nan, values)
