"""Confidence intervals: t intervals and the proportion intervals of R ``svyciprop``.

References
----------
Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with small expected
number of positive counts estimated from survey data. Survey Methodology 24, 193-201.
Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R. Wiley, section 2.4.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
JASA 22, 209-212.  Clopper, C. J. and Pearson, E. S. (1934). Biometrika 26, 404-413.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import stats

PROPORTION_METHODS = ("beta", "logit", "xlogit", "likelihood", "asin", "wilson", "mean", "t", "z")
#: Methods that are undefined at p = 0 or 1 and fall back to Clopper-Pearson with the actual n.
_BOUNDARY_EXACT = ("beta", "logit", "xlogit", "likelihood", "asin")


def t_quantile(df: float, level: float) -> float:
    """Return the two-sided ``level`` quantile of Student's t (normal when ``df`` is infinite).

    Returns nan when ``df <= 0`` or is nan: no interval can be formed from no degrees of freedom.
    """
    _check_level(level)
    if math.isnan(df) or df <= 0:
        return math.nan
    if math.isinf(df):
        return float(stats.norm.ppf((1 + level) / 2))
    return float(stats.t.ppf((1 + level) / 2, df))


def t_interval(est: float, se: float, df: float, level: float) -> tuple[float, float]:
    """Return ``est -/+ t_{df, (1+level)/2} se`` (normal when ``df`` is infinite).

    Notes
    -----
    ``confint(svymean(...), df = degf(design))`` in R; ``df <= 0`` gives (nan, nan).
    """
    q = t_quantile(df, level)
    return est - q * se, est + q * se


def clopper_pearson(successes: float, n: float, level: float) -> tuple[float, float]:
    """Return the Clopper-Pearson ("exact") interval for ``successes`` out of ``n``.

    Notes
    -----
    ``[B^{-1}(a/2; x, n - x + 1), B^{-1}(1 - a/2; x + 1, n - x)]`` with ``a = 1 - level``,
    the bounds being 0 at ``x = 0`` and 1 at ``x = n``; non-integer counts are allowed, which is
    how the Korn-Graubard interval uses it with an effective sample size.
    """
    alpha = 1 - level
    if n <= 0:
        return math.nan, math.nan
    low = 0.0 if successes <= 0 else float(stats.beta.ppf(alpha / 2, successes, n - successes + 1))
    high = (
        1.0
        if successes >= n
        else float(stats.beta.ppf(1 - alpha / 2, successes + 1, n - successes))
    )
    return low, high


def wilson(successes: float, n: float, level: float) -> tuple[float, float]:
    """Return the Wilson score interval for ``successes`` out of ``n``.

    Notes
    -----
    With ``p = x / n`` and ``z = Phi^{-1}((1 + level) / 2)``:
    ``(p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)``.
    """
    if n <= 0:
        return math.nan, math.nan
    z = float(stats.norm.ppf((1 + level) / 2))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0)) / denominator
    return max(centre - half, 0.0), min(centre + half, 1.0)


def korn_graubard_n(p: float, variance: float, n: int, df: float, level: float) -> float:
    """Return the degrees-of-freedom adjusted effective sample size of Korn and Graubard (1998).

    Notes
    -----
    ``n* = p (1 - p) / v * (t_{n-1, a/2} / t_{df, a/2})^2`` exactly as R ``svyciprop(method =
    "beta")`` computes it, with ``n`` the rows of the domain and ``df`` its design degrees of freedom.
    Undefined (nan) when ``v = 0``.
    """
    if variance <= 0 or not math.isfinite(variance):
        return math.nan
    alpha = 1 - level
    ratio = (
        stats.t.ppf(alpha / 2, n - 1) / stats.t.ppf(alpha / 2, df) if df > 0 and n > 1 else math.nan
    )
    return float(p * (1 - p) / variance * ratio * ratio)


def proportion_interval(
    method: str,
    p: float,
    variance: float,
    df: float,
    n: int,
    level: float,
    likelihood: Callable[[], tuple[float, float]] | None = None,
) -> tuple[float, float, bool]:
    """Return ``(low, high, fell_back)`` for a design-based proportion by ``method``.

    Parameters
    ----------
    method : str
        ``beta`` (Korn-Graubard), ``logit``/``xlogit`` (Wald on the logit scale), ``likelihood``
        (profile likelihood, through the ``likelihood`` callable), ``asin`` (Wald on
        ``asin(sqrt(p))``), ``wilson`` (Wilson with the Korn-Graubard effective sample size),
        ``mean``/``t`` (Wald with t quantile), ``z`` (Wald with normal quantile).
    p, variance : float
        Estimate and its design variance.
    df : float
        Design degrees of freedom.
    n : int
        Rows in the domain.

    Notes
    -----
    With ``q = t_{df, (1+level)/2}`` and ``s = sqrt(v)``: logit ``expit(logit p -/+ q s / (p(1-p)))``;
    asin ``sin^2(asin sqrt p -/+ q s / (2 sqrt(p(1-p))))`` (R does not clip the argument, so a
    lower bound may come from a negative angle); beta ``[B^{-1}(a/2; n* p, n*(1-p) + 1),
    B^{-1}(1-a/2; n* p + 1, n*(1-p))]``.  At ``p = 0`` or ``1`` (where ``n*`` is undefined) beta,
    logit, xlogit, likelihood and asin fall back to Clopper-Pearson with the actual ``n`` (NCHS),
    and wilson uses the actual ``n``; ``fell_back`` is then True.
    """
    _check_level(level)
    if method not in PROPORTION_METHODS:
        raise ValueError(
            f"không có khoảng tin cậy {method!r} cho tỷ lệ; hãy dùng một trong "
            f"{', '.join(PROPORTION_METHODS)} / unknown proportion interval {method!r}; use one of "
            f"{', '.join(PROPORTION_METHODS)}"
        )
    se = math.sqrt(variance) if variance >= 0 else math.nan
    if method in ("mean", "t", "z"):
        low, high = t_interval(p, se, math.inf if method == "z" else df, level)
        return low, high, False
    boundary = p <= 0 or p >= 1
    if boundary and method in _BOUNDARY_EXACT:
        return (*clopper_pearson(p * n, n, level), True)
    if method == "wilson":
        if boundary:
            return (*wilson(p * n, n, level), True)
        n_star = korn_graubard_n(p, variance, n, df, level)
        return (*wilson(p * n_star, n_star, level), False)
    if variance == 0:
        return p, p, False
    q = t_quantile(df, level)
    if method in ("logit", "xlogit"):
        centre, half = math.log(p / (1 - p)), q * se / (p * (1 - p))
        return _expit(centre - half), _expit(centre + half), False
    if method == "asin":
        centre, half = math.asin(math.sqrt(p)), q * se / (2 * math.sqrt(p * (1 - p)))
        return math.sin(centre - half) ** 2, math.sin(centre + half) ** 2, False
    if method == "likelihood":
        if likelihood is None:
            raise ValueError("the likelihood interval needs the domain's data")
        return (*likelihood(), False)
    n_star = korn_graubard_n(p, variance, n, df, level)
    if not math.isfinite(n_star):
        return math.nan, math.nan, False
    alpha = 1 - level
    low = float(stats.beta.ppf(alpha / 2, n_star * p, n_star * (1 - p) + 1))
    high = float(stats.beta.ppf(1 - alpha / 2, n_star * p + 1, n_star * (1 - p)))
    return low, high, False


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(
            f"mức tin cậy phải nằm giữa 0 và 1, không phải {level} / "
            f"level must be between 0 and 1, not {level}"
        )


def _expit(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))
