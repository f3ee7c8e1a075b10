"""Invariance and property checks of the estimators against closed forms and simulations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import api_design, as_float, load_api
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import estimators
from analysis.design import Design
from analysis.intervals import PROPORTION_METHODS
from analysis.replicates import ReplicateDesign

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def clustered_samples(draw):
    """Draw a stratified clustered sample with weights and a 0/1 event."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_strata = draw(st.integers(1, 4))
    psu_per_stratum = draw(st.integers(2, 6))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(n_strata * psu_per_stratum * 2, 150))
    strata = rng.integers(0, n_strata, n)
    psu = strata * psu_per_stratum + rng.integers(0, psu_per_stratum, n)
    weights = rng.uniform(0.5, 20, n)
    p = draw(st.floats(0.01, 0.99))
    icc_shift = rng.normal(0, draw(st.floats(0, 2)), psu.max() + 1)[psu]
    event = (rng.uniform(size=n) < 1 / (1 + np.exp(-(math.log(p / (1 - p)) + icc_shift)))).astype(
        float
    )
    y = rng.normal(50, 10, n) + icc_shift
    return (
        Design(weights=weights, strata=strata, clusters=[psu], lonely_psu="certainty"),
        weights,
        strata,
        psu,
        event,
        y,
    )


@SETTINGS
@given(clustered_samples(), st.floats(0.01, 1000))
def test_scaling_weights_leaves_means_unchanged(sample, factor):
    design, weights, strata, psu, event, y = sample
    scaled = Design(weights=weights * factor, strata=strata, clusters=[psu], lonely_psu="certainty")
    for estimator, args in (
        (estimators.mean, (y,)),
        (estimators.ratio, (y, y + event + 1)),
        (estimators.proportion, (event,)),
    ):
        a, b = estimator(design, *args), estimator(scaled, *args)
        assert b.estimate == pytest.approx(a.estimate, rel=1e-10, abs=1e-12)
        assert b.se == pytest.approx(a.se, rel=1e-8, abs=1e-12)
        assert b.df == a.df
    total_a, total_b = estimators.total(design, y), estimators.total(scaled, y)
    assert total_b.estimate == pytest.approx(factor * total_a.estimate, rel=1e-10)
    assert total_b.se == pytest.approx(factor * total_a.se, rel=1e-8)


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(5, 60))
def test_replicating_rows_equals_frequency_weighting(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n)
    event = (rng.uniform(size=n) < 0.3).astype(float)
    copies = rng.integers(1, 5, n)
    weighted = Design(weights=copies.astype(float))
    expanded = Design(n=int(copies.sum()))
    for estimator, column in (
        (estimators.mean, y),
        (estimators.total, y),
        (estimators.proportion, event),
    ):
        a = estimator(weighted, column)
        b = estimator(expanded, np.repeat(column, copies))
        assert a.estimate == pytest.approx(b.estimate, rel=1e-10, abs=1e-12)


def test_stratification_variable_has_zero_se():
    design, data = api_design("dstrat")
    for label in ("E", "H", "M"):
        indicator = (data.stype == label).to_numpy(dtype=float)
        assert estimators.total(design, indicator).se == pytest.approx(0, abs=1e-9)
        assert estimators.mean(design, indicator).se == pytest.approx(0, abs=1e-12)


def test_domain_is_not_a_subset_under_clustering():
    design, data = api_design("dclus1")
    mask = (data.stype == "H").to_numpy()
    domain = estimators.mean(design, as_float(data.api00), domain=mask)
    sub = data[mask]
    subset_design = Design(
        weights=as_float(sub.pw), clusters=[sub.dnum.to_numpy()], fpc=[as_float(sub.fpc)]
    )
    subset = estimators.mean(subset_design, as_float(sub.api00))
    assert domain.estimate == pytest.approx(subset.estimate, rel=1e-12)
    assert domain.se == pytest.approx(38.0202493594, rel=1e-9)  # R svyby, the domain way
    assert abs(subset.se - domain.se) / domain.se > 0.03
    domain_total = estimators.total(design, as_float(data.enroll), domain=mask)
    subset_total = estimators.total(subset_design, as_float(sub.enroll))
    assert domain_total.estimate == pytest.approx(subset_total.estimate, rel=1e-12)
    # closed form: the domain total's PSU totals include zeros for the PSUs without H schools
    psu_totals = (data.pw * data.enroll * mask).groupby(data.dnum).sum().to_numpy()
    n, f = psu_totals.size, 15 / 757
    expected = math.sqrt((1 - f) * n / (n - 1) * np.sum((psu_totals - psu_totals.mean()) ** 2))
    assert domain_total.se == pytest.approx(expected, rel=1e-10)
    assert subset_total.se < 0.9 * domain_total.se


@SETTINGS
@given(
    clustered_samples(),
    st.sampled_from([m for m in PROPORTION_METHODS if m not in ("mean", "t", "z")]),
)
def test_proportion_intervals_lie_in_unit_interval(sample, method):
    design, *_, event, _ = sample
    result = estimators.proportion(design, event, ci=method)
    if math.isnan(result.ci_low):
        assert result.df <= 0
        return
    assert 0 <= result.ci_low <= 1 and 0 <= result.ci_high <= 1
    if (
        method != "asin"
    ):  # R's asin interval folds angles outside [0, pi/2] back (kept for R parity)
        assert result.ci_low <= result.estimate + 1e-12 <= result.ci_high + 2e-12


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(3, 300))
def test_effective_n_equals_n_for_equal_weights_under_srs(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n)
    result = estimators.mean(Design(n=n), y)
    assert result.n_eff == pytest.approx(n, rel=1e-9)
    event = np.r_[[0.0, 1.0], (rng.uniform(size=n - 2) < 0.4)]
    assert estimators.proportion(Design(n=n), event).n_eff == pytest.approx(n, rel=1e-9)
    assert estimators.proportion(Design(weights=np.full(n, 7.5)), event).n_eff == pytest.approx(
        n, rel=1e-9
    )


def test_srs_variance_closed_form():
    rng = np.random.default_rng(3)
    y = rng.normal(size=40)
    result = estimators.mean(Design(fpc=[np.full(40, 400)]), y)
    expected = math.sqrt((1 - 40 / 400) * y.var(ddof=1) / 40)
    assert result.se == pytest.approx(expected, rel=1e-12)
    assert result.deff == pytest.approx(1.0, rel=1e-12)


def test_jk1_total_equals_linearization():
    design, data = api_design("dclus1")
    jk1 = ReplicateDesign.from_design(design, "jk1")
    assert estimators.total(jk1, as_float(data.enroll)).se == pytest.approx(
        estimators.total(design, as_float(data.enroll)).se, rel=1e-10
    )


@pytest.mark.parametrize("name", ["dstrat", "dclus1"])
def test_rao_wu_bootstrap_variance_matches_linearization_in_expectation(name):
    design, data = api_design(name)
    boot = ReplicateDesign.from_design(design, "bootstrap", replicates=4000, seed=11)
    linear = estimators.total(design, as_float(data.enroll)).se
    assert estimators.total(boot, as_float(data.enroll)).se == pytest.approx(linear, rel=0.05)


def test_bootstrap_is_reproducible_with_a_seed():
    design, _ = api_design("dclus1")
    a = ReplicateDesign.from_design(design, "bootstrap", replicates=20, seed=5).replicate_weights
    b = ReplicateDesign.from_design(design, "bootstrap", replicates=20, seed=5).replicate_weights
    c = ReplicateDesign.from_design(design, "bootstrap", replicates=20, seed=6).replicate_weights
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_means_with_covariance_matches_single_means_and_skips_missing_per_column():
    design, data = api_design("dclus1")
    api00, api99 = as_float(data.api00), as_float(data.api99)
    api99[:20] = np.nan
    estimates, covariance, df = estimators.means_with_covariance(
        design, np.column_stack([api00, api99])
    )
    for j, column in enumerate((api00, api99)):
        single = estimators.mean(design, column)
        assert estimates[j] == pytest.approx(single.estimate, rel=1e-12)
        assert math.sqrt(covariance[j, j]) == pytest.approx(single.se, rel=1e-10)
    difference = estimators.mean(design, api00 - api99)
    complete = ~np.isnan(api99)
    both, cov_both, _ = estimators.means_with_covariance(
        design, np.column_stack([api00, api99]), domain=complete
    )
    assert both[0] - both[1] == pytest.approx(difference.estimate, rel=1e-10)
    var = cov_both[0, 0] + cov_both[1, 1] - 2 * cov_both[0, 1]
    assert math.sqrt(var) == pytest.approx(difference.se, rel=1e-8)
    assert df == 14


def test_means_with_covariance_on_replicates():
    design, data = api_design("dstrat")
    jkn = ReplicateDesign.from_design(design, "jkn")
    _, covariance, df = estimators.means_with_covariance(jkn, as_float(data.api00)[:, None])
    assert math.sqrt(covariance[0, 0]) == pytest.approx(9.40894080278, rel=1e-9)
    assert df == 197


def test_performance_of_a_mean_by_twenty_domains():
    import time

    rng = np.random.default_rng(1)
    n = 100_000
    psu = rng.integers(0, 400, n)
    design = Design(weights=rng.uniform(1, 5, n), strata=psu % 8, clusters=[psu])
    y = rng.normal(size=n)
    start = time.perf_counter()
    results = estimators.by(design, estimators.mean, {"domain": rng.integers(0, 20, n)}, y)
    assert len(results) == 20
    assert time.perf_counter() - start < 5  # typically 0.1-0.3 s; generous for shared CI machines


def test_real_data_loads():
    assert len(load_api("apipop")) == 6194


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(2, 5))
def test_stratified_srs_total_matches_cochran(seed, n_strata):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 12, n_strata)
    populations = sizes * rng.integers(1, 30, n_strata)
    strata = np.repeat(np.arange(n_strata), sizes)
    y = rng.normal(10, 3, strata.size)
    design = Design(strata=strata, fpc=[populations[strata]])
    expected = sum(
        populations[h] ** 2
        * (1 - sizes[h] / populations[h])
        * y[strata == h].var(ddof=1)
        / sizes[h]
        for h in range(n_strata)
    )
    result = estimators.total(design, y)
    assert result.estimate == pytest.approx(
        sum(populations[h] * y[strata == h].mean() for h in range(n_strata))
    )
    assert result.se == pytest.approx(math.sqrt(expected), rel=1e-9, abs=1e-9)
    assert result.df == strata.size - n_strata
