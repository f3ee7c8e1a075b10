"""Kiosk rating summaries and the interval functions against closed forms and R."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from conftest import r_values
from scipy import stats

from analysis.intervals import (
    clopper_pearson,
    korn_graubard_n,
    proportion_interval,
    t_interval,
    wilson,
)
from analysis.summaries import rating_summary

KIOSK = r_values()["_meta"]["kiosk binomial 45 of 120"]


def test_rating_summary_per_domain_matches_r_wilson():
    counts = {
        ((("unit", "A"), ("quarter", "2026Q1")), 5): 30,
        ((("unit", "A"), ("quarter", "2026Q1")), 4): 15,
        ((("unit", "A"), ("quarter", "2026Q1")), 2): 75,
        ((("unit", "B"), ("quarter", "2026Q1")), 5): 9,
        ((("unit", "B"), ("quarter", "2026Q1")), 1): 1,
    }
    a, b = rating_summary(counts)
    assert a.domain == {"unit": "A", "quarter": "2026Q1"} and a.n == 120
    assert a.estimate == pytest.approx(45 / 120)
    assert (a.ci_low, a.ci_high) == pytest.approx(tuple(KIOSK["wilson"]), rel=1e-9)
    assert a.se == pytest.approx(math.sqrt(0.375 * 0.625 / 120))
    assert a.method == "wilson" and a.df == math.inf and a.n_eff == 120 and a.deff == 1
    assert b.estimate == 0.9 and "n_eff<30" in b.flags


def test_rating_summary_domain_keys_and_satisfied_set():
    results = rating_summary({("X", 1): 3, ("X", 3): 1, (None, 3): 2}, satisfied=(3,), level=0.9)
    assert [r.domain for r in results] == [None, {"domain": "X"}]
    assert results[0].estimate == 1.0 and results[1].estimate == 0.25
    assert results[1].target == "rating in {3}" and results[1].level == 0.9
    with pytest.raises(ValueError, match="whole number"):
        rating_summary({("X", 1): -1})


def test_clopper_pearson_and_wilson_reference():
    assert clopper_pearson(45, 120, 0.95) == pytest.approx(
        tuple(KIOSK["clopper_pearson"]), rel=1e-9
    )
    assert wilson(45, 120, 0.95) == pytest.approx(tuple(KIOSK["wilson"]), rel=1e-9)
    assert clopper_pearson(0, 10, 0.95) == pytest.approx((0, 1 - 0.025**0.1))
    assert clopper_pearson(10, 10, 0.95) == pytest.approx((0.025**0.1, 1))
    assert all(math.isnan(v) for v in wilson(0, 0, 0.95) + clopper_pearson(0, 0, 0.95))


def test_t_interval_closed_form_and_degenerate_df():
    _, high = t_interval(10.0, 2.0, 5, 0.9)
    assert high - 10 == pytest.approx(2 * stats.t.ppf(0.95, 5))
    assert t_interval(10.0, 2.0, math.inf, 0.95) == pytest.approx(
        (10 - 2 * 1.959963984540054, 10 + 2 * 1.959963984540054)
    )
    assert all(math.isnan(v) for v in t_interval(1.0, 1.0, 0, 0.95))
    with pytest.raises(ValueError, match="level"):
        t_interval(1.0, 1.0, 10, 1.5)


def test_korn_graubard_effective_n_reduces_to_binomial_under_srs():
    p, n = 0.3, 50
    variance = p * (1 - p) / (n - 1)  # with-replacement SRS estimate of var(p)
    assert korn_graubard_n(p, variance, n, n - 1, 0.95) == pytest.approx(n - 1)
    low, high, fell_back = proportion_interval("beta", p, variance, n - 1, n, 0.95)
    assert (low, high) == pytest.approx(clopper_pearson(p * (n - 1), n - 1, 0.95)) and not fell_back


def test_wilson_with_effective_n():
    p, variance, n, df = 0.2, 0.0004, 300, 40
    n_star = korn_graubard_n(p, variance, n, df, 0.95)
    low, high, _ = proportion_interval("wilson", p, variance, df, n, 0.95)
    assert (low, high) == pytest.approx(wilson(p * n_star, n_star, 0.95))


def test_analysis_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, analysis.design, analysis.estimators, analysis.calibration, analysis.replicates, "
        "analysis.summaries; print(any(m.split('.')[0] in ('flask', 'sqlalchemy') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_estimate_to_dict_is_json_ready():
    import json

    from analysis.estimate import Estimate

    result = Estimate(
        "mean", "y", {"g": 1}, 1.0, 0.5, 0.0, 2.0, math.inf, 3, math.nan, 1.2, flags=("df<8",)
    )
    data = result.to_dict()
    assert data["df"] is None and data["n_eff"] is None and data["flags"] == ["df<8"]
    assert json.loads(json.dumps(data)) == data
    assert np.isfinite(data["deff"])
