"""Reliability flags for estimates, after the NCHS data presentation standards.

References
----------
Parker, J. D., Talih, M., Malec, D. J. et al. (2017). National Center for Health Statistics Data
Presentation Standards for Proportions. Vital and Health Statistics 2(175).
"""

from __future__ import annotations

import math

from analysis.estimate import Estimate

#: Minimum effective sample size for a proportion (NCHS).
MIN_EFFECTIVE_N = 30
#: Degrees of freedom below which an estimate needs review (NCHS).
MIN_DF = 8
#: Absolute interval width from which a proportion is suppressed (NCHS).
MAX_ABSOLUTE_WIDTH = 0.30
#: Absolute width above which the relative width rule applies (NCHS).
RELATIVE_RULE_FROM = 0.05
#: Maximum relative interval width of a proportion, in percent of the estimate (NCHS).
MAX_RELATIVE_WIDTH = 130.0
#: Maximum relative standard error of a mean, total or ratio, in percent (NCHS practice).
MAX_RSE = 30.0


def reliability_flags(estimate: Estimate) -> tuple[str, ...]:
    """Return the reliability flags of an estimate.

    Notes
    -----
    All estimates: ``df<8`` when the design degrees of freedom are below 8 (NCHS: statistical
    review).  Proportions: ``n_eff<30`` when the effective sample size (the actual ``n`` where it
    is undefined, at p = 0 or 1) is below 30, and ``wide_ci`` when the interval is at least 0.30
    wide, or wider than 0.05 with a relative width ``(U - L) / p`` above 130 %.  Means, totals and
    ratios: ``rse>30%`` when ``se / |estimate|`` exceeds 30 %.
    """
    flags = []
    if estimate.df < MIN_DF or math.isnan(estimate.df):
        flags.append("df<8")
    if estimate.statistic == "proportion":
        n_eff = estimate.n_eff if math.isfinite(estimate.n_eff) else estimate.n
        if n_eff < MIN_EFFECTIVE_N:
            flags.append("n_eff<30")
        width = estimate.ci_high - estimate.ci_low
        if width >= MAX_ABSOLUTE_WIDTH or (
            width > RELATIVE_RULE_FROM
            and estimate.estimate > 0
            and 100 * width / estimate.estimate > MAX_RELATIVE_WIDTH
        ):
            flags.append("wide_ci")
    elif estimate.estimate != 0 and 100 * estimate.se / abs(estimate.estimate) > MAX_RSE:
        flags.append("rse>30%")
    return tuple(flags)
