"""Weighting steps before calibration: non-response adjustment in classes, and weight diagnostics.

References
----------
Kish, L. (1992). Weighting for unequal P_i. Journal of Official Statistics 8, 183-200.
Kalton, G. and Flores-Cervantes, I. (2003). Weighting methods. Journal of Official Statistics 19,
81-97 (section 2: cell weighting for non-response).
"""

from __future__ import annotations

import numpy as np

from analysis.design import label_codes


def class_adjustment(weights, respondent, eligible, classes) -> tuple[np.ndarray, np.ndarray]:
    """Spread the weight of eligible non-respondents over the respondents of their class.

    Parameters
    ----------
    weights : (n,) base weights of every issued sample member
    respondent, eligible : (n,) bool; a respondent must be eligible
    classes : (n,) labels of the adjustment classes

    Returns
    -------
    adjusted : (n,) array
        ``w_i f_c`` for respondents of class ``c`` and 0 for everyone else, with
        ``f_c = sum_{eligible in c} w / sum_{respondents in c} w`` (Kalton and Flores-Cervantes
        2003, eq. 1), so each class keeps its estimated number of eligible people and the weight of
        ineligible members is dropped.
    factors : (C,) the factor of each class in the order of the sorted labels (nan without respondents)
    """
    w = np.asarray(weights, float)
    respondent = np.asarray(respondent, bool)
    eligible = np.asarray(eligible, bool)
    if (respondent & ~eligible).any():
        raise ValueError("người trả lời phải thuộc diện / a respondent must be eligible")
    codes, labels = label_codes(classes, w.size, "classes")
    eligible_sum = np.bincount(codes, weights=w * eligible, minlength=labels.size)
    respondent_sum = np.bincount(codes, weights=w * respondent, minlength=labels.size)
    factors = np.divide(eligible_sum, respondent_sum, out=np.full(labels.size, np.nan),
                        where=respondent_sum > 0)
    adjusted = np.where(respondent, w * np.nan_to_num(factors[codes]), 0.0)
    return adjusted, factors


def weight_diagnostics(weights) -> dict:
    """Return Kish's design effect of unequal weights and summaries of the positive weights.

    Notes
    -----
    With the ``n`` positive weights ``w_i``: ``deff_w = n sum w^2 / (sum w)^2 = 1 + cv^2``
    (``cv`` the coefficient of variation with divisor n) and ``n_eff = (sum w)^2 / sum w^2``
    (Kish 1992), the sample size that equal weights would need for the same precision when the
    outcome is unrelated to the weights.
    """
    w = np.asarray(weights, float)
    w = w[w > 0]
    if w.size == 0:
        return {"n": 0, "sum": 0.0, "min": None, "max": None, "ratio": None, "mean": None,
                "cv": None, "kish_deff": None, "n_eff": None}
    total, squares = float(w.sum()), float((w * w).sum())
    return {"n": int(w.size), "sum": total, "min": float(w.min()), "max": float(w.max()),
            "ratio": float(w.max() / w.min()), "mean": total / w.size,
            "cv": float(w.std() / w.mean()), "kish_deff": w.size * squares / total**2,
            "n_eff": total**2 / squares}
