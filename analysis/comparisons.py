"""Differences between two periods or units, and checks against targets such as "SIPAS >= 85 %".

A difference is estimated from the joint design when both estimates come from the same survey (so the
covariance through shared PSUs is counted), and as independent samples otherwise; the result says which.

References
----------
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, sections 2.3 and 3.5 (contrasts of
domain means, ``svyby(..., covmat = TRUE)`` with ``svycontrast``). Wiley.
Welch, B. L. (1947). The generalization of Student's problem when several different population variances
are involved. *Biometrika* 34, 28-35.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis.design import Design
from analysis.estimate import Estimate
from analysis.indices import LinearIndex, domain_columns, mean_moments
from analysis.intervals import t_interval
from analysis.replicates import ReplicateDesign

BASIS_TEXT = {
    "joint": "Cùng một khảo sát, chung đơn vị mẫu: tính hiệp phương sai / "
    "same survey sharing PSUs: joint design (covariance counted)",
    "independent": "Hai mẫu độc lập / independent samples",
}

STATUS_TEXT = {
    "met": "Đạt / met",
    "not_met": "Không đạt / not met",
    "unclear": "Chưa rõ: khoảng tin cậy chứa ngưỡng / not yet clear from the interval",
}


@dataclass(frozen=True)
class Comparison:
    """A difference ``first - second`` with its interval, t statistic and two-sided p-value."""

    difference: Estimate
    basis: str
    t: float
    p_value: float

    @property
    def basis_text(self) -> str:
        """Return how the variance was estimated, in Vietnamese then English."""
        return BASIS_TEXT[self.basis]

    def to_dict(self) -> dict:
        """Return a JSON-ready dictionary."""
        return {
            **self.difference.to_dict(),
            "basis": self.basis,
            "basis_text": self.basis_text,
            "t": _finite_or_none(self.t),
            "p_value": _finite_or_none(self.p_value),
        }


@dataclass(frozen=True)
class TargetCheck:
    """The verdict of an estimate against a target such as ``>= 85 %``."""

    status: str
    operator: str
    threshold: float
    estimate: Estimate

    @property
    def text(self) -> str:
        """Return the verdict in Vietnamese then English."""
        return STATUS_TEXT[self.status]


def compare_domains(
    design: Design | ReplicateDesign,
    values: np.ndarray | LinearIndex,
    first: np.ndarray,
    second: np.ndarray,
    *,
    statistic: str = "mean",
    target: str = "",
    level: float = 0.95,
    ci: str = "t",
) -> Comparison:
    """Estimate ``theta(first) - theta(second)`` for two domains of one design, jointly.

    Parameters
    ----------
    design : Design or ReplicateDesign
        The one survey both domains (periods, units) come from.
    values : (n,) array or LinearIndex
        A variable (its mean, or share for a 0/1 variable, is compared; NaN = missing) or an index
        (its overall node is compared).
    first, second : (n,) bool arrays
        The two domains; they may share PSUs (and even rows).
    statistic, target : str
        Stored in the result (``statistic`` is what is compared, the result's own is "difference").
    level : float
    ci : {"t", "z"}

    Notes
    -----
    With :math:`\\hat\\theta_d = c + a^\\top \\hat m_d` and :math:`\\hat\\Sigma` the joint covariance of
    :math:`(\\hat m_1, \\hat m_2)`, obtained by putting the variables of each domain in their own
    columns (NaN outside it) and linearising (or replicating) them together,

    .. math:: \\widehat{\\mathrm{Var}}(\\hat\\theta_1 - \\hat\\theta_2) =
              (a, -a)^\\top \\hat\\Sigma\\, (a, -a),

    which is what R's ``svycontrast`` gives on ``svyby(..., covmat = TRUE)``.  The interval uses t with
    the design degrees of freedom (or the normal on request).
    """
    spec = values if isinstance(values, LinearIndex) else _single(values, target)
    first, second = np.asarray(first, dtype=bool), np.asarray(second, dtype=bool)
    stacked = domain_columns(spec.values, [first, second])
    inside = first | second
    means, covariance, df = mean_moments(design, stacked, inside)
    row = spec.coefficients[0]
    contrast = np.concatenate([row, -row])
    estimate = float(contrast @ means)
    se = float(np.sqrt(max(contrast @ covariance @ contrast, 0.0)))
    n = int((~np.isnan(stacked)).any(axis=1).sum())
    return _comparison(estimate, se, np.inf if ci == "z" else float(df), n, level, ci,
                       target or spec.nodes[0], "joint", statistic)


def compare_independent(first: Estimate, second: Estimate, *, level: float | None = None) -> Comparison:
    """Estimate ``first - second`` for estimates from two independent samples.

    Notes
    -----
    :math:`\\mathrm{se} = \\sqrt{\\mathrm{se}_1^2 + \\mathrm{se}_2^2}`, with Welch-Satterthwaite
    degrees of freedom :math:`(v_1 + v_2)^2 / (v_1^2/\\nu_1 + v_2^2/\\nu_2)` (infinite when both are).
    """
    if first.statistic != second.statistic:
        raise ValueError(f"cannot compare a {first.statistic} with a {second.statistic}")
    v1, v2 = first.se**2, second.se**2
    terms = [v**2 / df for v, df in ((v1, first.df), (v2, second.df)) if np.isfinite(df)]
    df = (v1 + v2) ** 2 / sum(terms) if terms and sum(terms) > 0 else np.inf
    ci = "z" if not np.isfinite(df) else "t"
    return _comparison(first.estimate - second.estimate, float(np.sqrt(v1 + v2)), float(df),
                       first.n + second.n, level or first.level, ci,
                       first.target, "independent", first.statistic)


def parse_target(text: str, statistic: str) -> tuple[str, float]:
    """Parse a target such as ``">= 85 %"`` or ``"≥ 85%"`` into an operator and a threshold.

    A percentage is divided by 100 for proportions (which are fractions) and kept for indices.
    """
    match = re.fullmatch(r"\s*(>=|≥|>|<=|≤|<)?\s*([0-9]+(?:\.[0-9]+)?)\s*(%?)\s*", text)
    if not match:
        raise ValueError(f"cannot read the target {text!r}; write it like '>= 85 %'")
    operator = {"≥": ">=", "≤": "<=", None: ">="}.get(match.group(1), match.group(1))
    threshold = float(match.group(2))
    if match.group(3) and statistic == "proportion":
        threshold /= 100.0
    return operator, threshold


def check_target(estimate: Estimate, target: str | float, operator: str = ">=") -> TargetCheck:
    """Say whether a target is met, not met, or not yet clear from the confidence interval.

    For ``>=`` (and ``>``) the target is met when the whole interval lies at or above the threshold,
    not met when the whole interval lies below it, and not yet clear when the interval contains it
    (or is undefined); ``<=`` and ``<`` mirror this.
    """
    if isinstance(target, str):
        operator, threshold = parse_target(target, estimate.statistic)
    else:
        threshold = float(target)
    low, high = estimate.ci_low, estimate.ci_high
    checks = {
        ">=": (low >= threshold, high < threshold),
        ">": (low > threshold, high <= threshold),
        "<=": (high <= threshold, low > threshold),
        "<": (high < threshold, low >= threshold),
    }
    if operator not in checks:
        raise ValueError(f"unknown target operator {operator!r}")
    met, not_met = checks[operator]
    status = "met" if met else "not_met" if not_met else "unclear"
    return TargetCheck(status=status, operator=operator, threshold=threshold, estimate=estimate)


def _single(values: np.ndarray, target: str) -> LinearIndex:
    """Wrap one variable as a one-node linear index (its mean)."""
    column = np.asarray(values, dtype=float)
    return LinearIndex((target,), column[:, None], np.ones((1, 1)), np.zeros(1), (target,))


def _comparison(estimate, se, df, n, level, ci, target, basis, statistic) -> Comparison:
    """Assemble the difference estimate, its interval and its two-sided test."""
    if df > 0 and se > 0 and np.isfinite(se):
        low, high = t_interval(estimate, se, df, level)
        t = estimate / se
        p_value = float(2 * stats.t.sf(abs(t), df))
    else:
        low = high = t = p_value = float("nan")
    difference = Estimate(
        statistic="difference",
        target=f"{statistic}: {target}",
        domain=None,
        estimate=float(estimate),
        se=float(se),
        ci_low=float(low),
        ci_high=float(high),
        df=float(df),
        n=int(n),
        n_eff=float("nan"),
        deff=float("nan"),
        level=level,
        method=ci,
    )
    return Comparison(difference=difference, basis=basis, t=float(t), p_value=p_value)


def _finite_or_none(value: float) -> float | None:
    """Return ``value`` or None when it is not finite (JSON has no nan)."""
    return float(value) if np.isfinite(value) else None
