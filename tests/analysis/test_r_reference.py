"""Every value of r-survey-api.json (R survey 4.1-1), reproduced through the Python API."""

from __future__ import annotations

import math

import pytest
from conftest import api_design, as_float, r_values

from analysis import estimators
from analysis.calibration import calibrate, poststratify
from analysis.intervals import clopper_pearson, wilson
from analysis.replicates import ReplicateDesign

META = r_values()["_meta"]
POPULATION = META["population totals used by postStratify/calibrate (from apipop)"]
STRICT = 1e-9
GLM = 1e-6


def close(actual: float, expected: float, rel: float = STRICT) -> None:
    """Assert a relative agreement."""
    assert actual == pytest.approx(expected, rel=rel, abs=0), (actual, expected)


@pytest.mark.parametrize("name", ["dstrat", "dclus1"])
def test_mean_with_intervals_and_deff(reference, name):
    design, data = api_design(name)
    expected = reference[f"svymean(~api00,{name})[api00]"]
    t = estimators.mean(design, as_float(data.api00))
    z = estimators.mean(design, as_float(data.api00), ci="z")
    close(t.estimate, expected["est"])
    close(t.se, expected["se"])
    close(t.ci_low, expected["ci_t_lo"])
    close(t.ci_high, expected["ci_t_hi"])
    close(z.ci_low, expected["ci_z_lo"])
    close(z.ci_high, expected["ci_z_hi"])
    close(t.deff, expected["deff"])
    assert z.df == math.inf


@pytest.mark.parametrize("name", ["dstrat_nofpc", "dclus1_nofpc", "dsrs"])
def test_mean_other_designs(reference, name):
    design, data = api_design(name)
    expected = reference[f"svymean(~api00,{name})[api00]"]
    result = estimators.mean(design, as_float(data.api00))
    close(result.estimate, expected["est"])
    close(result.se, expected["se"])


@pytest.mark.parametrize("name", ["dsrs", "dstrat", "dclus1", "lonely"])
def test_degrees_of_freedom(name):
    design, _ = api_design(name, lonely_psu="remove")
    assert design.degrees_of_freedom() == META["degf"][name]


@pytest.mark.parametrize("name", ["dstrat", "dclus1"])
def test_total(reference, name):
    design, data = api_design(name)
    expected = reference[f"svytotal(~enroll,{name})[enroll]"]
    result = estimators.total(design, as_float(data.enroll))
    close(result.estimate, expected["est"])
    close(result.se, expected["se"])


def test_factor_mean(reference):
    design, data = api_design("dclus1")
    result = estimators.mean(design, (data.stype == "E").to_numpy(dtype=float))
    close(result.estimate, reference["svymean(~stype,dclus1)[stypeE]"]["est"])
    close(result.se, reference["svymean(~stype,dclus1)[stypeE]"]["se"])


def test_ratio(reference):
    design, data = api_design("dclus1")
    result = estimators.ratio(design, as_float(data["api.stu"]), as_float(data.enroll))
    close(result.estimate, reference["svyratio(~api.stu,~enroll,dclus1)"]["est"])
    close(result.se, reference["svyratio(~api.stu,~enroll,dclus1)"]["se"])


def _stype_margin():
    return {k: float(v) for k, v in POPULATION["stype"].items()}


def test_poststratify(reference):
    design, data = api_design("dclus1")
    post = poststratify(design, data.stype.to_numpy(), _stype_margin())
    expected = reference["svymean(~api00,postStratify(dclus1,~stype))[api00]"]
    result = estimators.mean(post, as_float(data.api00))
    close(result.estimate, expected["est"])
    close(result.se, expected["se"])
    expected = reference["svytotal(~enroll,postStratify(dclus1,~stype))[enroll]"]
    result = estimators.total(post, as_float(data.enroll))
    close(result.estimate, expected["est"])
    close(result.se, expected["se"])


def test_calibrate_categorical(reference):
    design, data = api_design("dclus1")
    cal = calibrate(design, categorical={"stype": (data.stype.to_numpy(), _stype_margin())})
    expected = reference["svymean(~api00,calibrate(dclus1,~stype))[api00]"]
    result = estimators.mean(cal, as_float(data.api00))
    close(result.estimate, expected["est"])
    close(result.se, expected["se"])


def test_calibrate_categorical_and_numeric(reference):
    design, data = api_design("dclus1")
    cal = calibrate(
        design,
        categorical={"stype": (data.stype.to_numpy(), _stype_margin())},
        numeric={"api99": (as_float(data.api99), float(POPULATION["api99"]))},
    )
    expected = reference["svymean(~api00,calibrate(dclus1,~stype+api99))[api00]"]
    result = estimators.mean(cal, as_float(data.api00))
    close(result.estimate, expected["est"])
    close(result.se, expected["se"])


def test_jkn(reference):
    design, data = api_design("dstrat")
    replicate = ReplicateDesign.from_design(design, "jkn")
    expected = reference["svymean(~api00,JKn(dstrat))[api00]"]
    result = estimators.mean(replicate, as_float(data.api00))
    close(result.estimate, expected["est"])
    close(result.se, expected["se"])
    assert replicate.degrees_of_freedom() == 197


EVENTS = {"I(ell==0)": lambda d: d.ell == 0, "I(api00>700)": lambda d: d.api00 > 700}


@pytest.mark.parametrize("design_name", ["dstrat", "dclus1"])
@pytest.mark.parametrize("event", list(EVENTS))
@pytest.mark.parametrize("method", ["beta", "logit", "xlogit", "likelihood", "asin", "mean"])
def test_svyciprop(reference, design_name, event, method):
    design, data = api_design(design_name)
    expected = reference[f"svyciprop(~{event},{design_name},method={method})"]
    result = estimators.proportion(design, EVENTS[event](data).to_numpy(dtype=float), ci=method)
    rel = GLM if method in ("logit", "likelihood") else STRICT
    close(result.estimate, expected["est"], rel)
    close(result.se, expected["se"])
    close(result.ci_low, expected["ci_lo"], rel)
    close(result.ci_high, expected["ci_hi"], rel)


def test_svyby_domains(reference):
    design, data = api_design("dclus1")
    results = estimators.by(
        design, estimators.mean, {"stype": data.stype.to_numpy()}, as_float(data.api00)
    )
    assert [r.domain for r in results] == [{"stype": "E"}, {"stype": "H"}, {"stype": "M"}]
    for result in results:
        expected = reference[f"svyby(~api00,~stype,dclus1,svymean)[{result.domain['stype']}]"]
        close(result.estimate, expected["est"])
        close(result.se, expected["se"])


@pytest.mark.parametrize("option", ["remove", "certainty"])
def test_lonely_psu(reference, option):
    design, data = api_design("lonely", lonely_psu=option)
    expected = reference[f"svymean(~api00,lonely,{option})[api00]"]
    result = estimators.mean(design, as_float(data.api00))
    close(result.estimate, expected["est"])
    close(result.se, expected["se"])
    expected = reference[f"svytotal(~enroll,lonely,{option})[enroll]"]
    result = estimators.total(design, as_float(data.enroll))
    close(result.estimate, expected["est"])
    close(result.se, expected["se"])


def test_kiosk_binomial():
    expected = META["kiosk binomial 45 of 120"]
    for actual, value in zip(wilson(45, 120, 0.95), expected["wilson"]):
        close(actual, value)
    for actual, value in zip(clopper_pearson(45, 120, 0.95), expected["clopper_pearson"]):
        close(actual, value)
