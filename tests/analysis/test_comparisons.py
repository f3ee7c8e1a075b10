"""Differences between domains (joint design) and independent samples, and target checks.

R references (R 4.2.2, survey 4.1-1), with ``prep``, ``f`` and ``idx`` as in test_indices.py::

    dclus1 <- svydesign(id=~dnum, weights=~pw, data=prep(apiclus1), fpc=~fpc)
    b <- svyby(~api00, ~stype, dclus1, svymean, covmat=TRUE)
    svycontrast(b, c(E=1, H=-1, M=0)); svycontrast(b, c(E=1, H=0, M=-1))
    svycontrast(svyby(~a, ~stype, dclus1, svymean, covmat=TRUE), c(E=1, H=0, M=-1))
    # the index of E minus that of M: every variable v split into vE = v * (stype == "E"), vM likewise
    svycontrast(svytotal(~aE+bbE+obE+ccE+oneE+aM+bbM+obM+ccM+oneM, dclus1),
                quote(100*(aE/oneE+bbE/obE+ccE/oneE)/3 - 100*(aM/oneM+bbM/obM+ccM/oneM)/3))
    # the same with as.svrepdesign(dclus1, type="JK1") and return.replicates=TRUE
"""

import csv
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from analysis.comparisons import check_target, compare_domains, compare_independent, parse_target
from analysis.design import Design
from analysis.estimate import Estimate
from analysis.estimators import mean
from analysis.indices import share_index_spec
from analysis.replicates import ReplicateDesign

REFERENCE = Path(__file__).resolve().parents[2] / "tests" / "data" / "reference"
R = {
    "mean E-H": (30.296626984127, 30.0276061918454),
    "mean E-M": (17.4280555555555, 14.3373902342168),
    "share E-M": (0.121111111111111, 0.0891018851967038),
    "index E-M": (9.90714658320292, 6.30257927432926),
    "index E-M JK1": (9.90714658320292, 7.00022054301105),
}


@pytest.fixture(scope="module")
def dclus1():
    with open(REFERENCE / "apiclus1.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    data = {key: [row[key] for row in rows] for key in rows[0]}

    def number(name):
        return np.array([np.nan if v in ("", "NA") else float(v) for v in data[name]])

    design = Design(weights=number("pw"), clusters=[np.array(data["dnum"])], fpc=[number("fpc")])
    stype = np.array(data["stype"])
    acs = number("acs.46")
    events = {
        "a": (number("api00") > 700).astype(float),
        "b": np.where(np.isnan(acs), np.nan, acs <= 30),
        "c": np.array([v == "Yes" for v in data["sch.wide"]], dtype=float),
    }
    return design, number("api00"), stype, events


@pytest.mark.parametrize(("second", "key"), [("H", "mean E-H"), ("M", "mean E-M")])
def test_joint_difference_of_domain_means_matches_r_svycontrast(dclus1, second, key):
    design, api00, stype, _ = dclus1
    result = compare_domains(design, api00, stype == "E", stype == second, target="api00")
    assert (result.difference.estimate, result.difference.se) == pytest.approx(R[key], rel=1e-9)
    assert result.basis == "joint" and "joint design" in result.basis_text
    assert result.difference.statistic == "difference" and result.difference.df == 14


def test_joint_difference_of_shares_and_indices_matches_r(dclus1):
    design, _, stype, events = dclus1
    share = compare_domains(design, events["a"], stype == "E", stype == "M", statistic="proportion")
    assert (share.difference.estimate, share.difference.se) == pytest.approx(R["share E-M"], rel=1e-9)
    spec = share_index_spec("S", events)
    index = compare_domains(design, spec, stype == "E", stype == "M", statistic="index")
    assert (index.difference.estimate, index.difference.se) == pytest.approx(R["index E-M"], rel=1e-9)
    replicated = compare_domains(ReplicateDesign.from_design(design, "jk1"), spec, stype == "E",
                                 stype == "M", statistic="index")
    assert (replicated.difference.estimate, replicated.difference.se) == pytest.approx(
        R["index E-M JK1"], rel=1e-9)


def test_shared_psus_make_the_joint_se_differ_from_the_independent_one(dclus1):
    design, api00, stype, _ = dclus1
    first = mean(design, api00, domain=stype == "E")
    second = mean(design, api00, domain=stype == "M")
    independent = compare_independent(first, second)
    joint = compare_domains(design, api00, stype == "E", stype == "M")
    assert independent.basis == "independent"
    assert independent.difference.estimate == pytest.approx(joint.difference.estimate, rel=1e-12)
    assert independent.difference.se == pytest.approx(np.hypot(first.se, second.se), rel=1e-12)
    # E and M schools share districts (PSUs): their means covary positively, so the joint se is smaller.
    assert joint.difference.se < 0.8 * independent.difference.se


def estimate(value, se, df, statistic="mean", low=None, high=None) -> Estimate:
    low = value - 2 * se if low is None else low
    high = value + 2 * se if high is None else high
    return Estimate(statistic, "x", None, value, se, low, high, df, 100, float("nan"), float("nan"))


def test_independent_samples_use_welch_satterthwaite_df():
    result = compare_independent(estimate(70.0, 3.0, 10.0), estimate(64.0, 4.0, 20.0))
    v1, v2 = 9.0, 16.0
    df = (v1 + v2) ** 2 / (v1**2 / 10 + v2**2 / 20)
    assert result.difference.df == pytest.approx(df, rel=1e-12)
    assert result.difference.se == pytest.approx(5.0, rel=1e-12)
    assert result.t == pytest.approx(6.0 / 5.0, rel=1e-12)
    assert result.p_value == pytest.approx(2 * stats.t.sf(1.2, df), rel=1e-12)
    normal = compare_independent(estimate(1.0, 0.3, np.inf), estimate(0.5, 0.4, np.inf))
    assert normal.difference.df == np.inf and normal.difference.method == "z"
    with pytest.raises(ValueError):
        compare_independent(estimate(1, 1, 5), estimate(1, 1, 5, statistic="total"))


def test_p_value_equals_alpha_where_the_interval_touches_zero(dclus1):
    design, api00, stype, _ = dclus1
    result = compare_domains(design, api00, stype == "E", stype == "M")
    level = 1 - result.p_value
    touching = compare_domains(design, api00, stype == "E", stype == "M", level=level)
    assert touching.difference.ci_low == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    ("low", "high", "target", "status"),
    [(86.0, 90.0, ">= 85 %", "met"), (85.0, 90.0, "≥85%", "met"), (80.0, 84.9, ">= 85", "not_met"),
     (83.0, 88.0, "≥ 85 %", "unclear"), (83.0, 84.0, "<= 85", "met"), (86.0, 88.0, "< 85", "not_met"),
     (84.0, 86.0, "< 85", "unclear"), (85.0, 90.0, "> 85", "unclear")],
)
def test_target_checks_read_the_interval(low, high, target, status):
    check = check_target(estimate((low + high) / 2, 1.0, 30, "index", low, high), target)
    assert check.status == status
    assert check.text.split(" / ")[1] in ("met", "not met", "not yet clear from the interval")


def test_percent_targets_are_fractions_for_proportions():
    assert parse_target("≥ 85 %", "proportion") == (">=", 0.85)
    assert parse_target("≥ 85 %", "index") == (">=", 85.0)
    assert parse_target("85", "proportion") == (">=", 85.0)
    share = estimate(0.9, 0.01, 30, "proportion", 0.87, 0.93)
    assert check_target(share, "≥ 85 %").status == "met"
    assert check_target(share, 0.95).status == "not_met"
    undefined = estimate(0.9, 0.01, 30, "proportion", float("nan"), float("nan"))
    assert check_target(undefined, "≥ 85 %").status == "unclear"
    with pytest.raises(ValueError):
        parse_target("about 85", "index")
