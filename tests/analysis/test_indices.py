"""SIPAS- and PAPI-style indices: closed forms, R survey references, replicates and a simulation.

R references (R 4.2.2, survey 4.1-1) were made with this script; the index of three proportions with
one indicator missing for some schools is the delta method on totals, as ``svycontrast`` computes it::

    prep <- function(d) { d$a <- as.numeric(d$api00 > 700); d$ob <- as.numeric(!is.na(d$acs.46))
      d$bb <- ifelse(is.na(d$acs.46), 0, as.numeric(d$acs.46 <= 30))
      d$cc <- as.numeric(d$sch.wide == "Yes"); d$one <- 1; d }
    dstrat <- svydesign(id=~1, strata=~stype, weights=~pw, data=prep(apistrat), fpc=~fpc)
    dclus1 <- svydesign(id=~dnum, weights=~pw, data=prep(apiclus1), fpc=~fpc)
    idx <- quote(100 * (a / one + bb / ob + cc / one) / 3); f <- ~a + bb + ob + cc + one
    svycontrast(svytotal(f, dstrat), idx); svycontrast(svytotal(f, dclus1), idx)
    svycontrast(svytotal(f, subset(dclus1, stype == "E")), idx)
    svymean(~a, dstrat, deff=TRUE); svymean(~a, dclus1, deff=TRUE)
    svycontrast(svytotal(f, as.svrepdesign(dclus1, type="JK1"), return.replicates=TRUE), idx)
    svycontrast(svytotal(f, as.svrepdesign(dstrat, type="JKn"), return.replicates=TRUE), idx)
"""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from analysis.command import analyze
from analysis.design import Design
from analysis.indices import PapiIndicator, estimate_index, papi_spec, share_index_spec, sipas_spec
from analysis.replicates import ReplicateDesign

REFERENCE = Path(__file__).resolve().parents[2] / "tests" / "data" / "reference"
R = {
    "dstrat": (66.1281190514305, 2.04969626776133),
    "dclus1": (65.2779228011556, 3.37824476636352),
    "dclus1 E": (67.2404799165363, 3.4151634936088),
    "dclus1 JK1": (65.2779228011556, 3.76675504487807),
    "dstrat JKn": (66.1281190514305, 2.04994098393287),
    "dstrat a": (40.4339681611039, 3.74753900501934),
}
R_DEFF = {"dstrat": 1.19909841343478, "dclus1": 5.33202828929753}


def load(name: str) -> dict[str, list[str]]:
    with open(REFERENCE / name, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {key: [row[key] for row in rows] for key in rows[0]}


def number(values: list[str]) -> np.ndarray:
    return np.array([np.nan if v in ("", "NA") else float(v) for v in values])


def items(data: dict) -> dict[str, np.ndarray]:
    acs = number(data["acs.46"])
    return {
        "a": (number(data["api00"]) > 700).astype(float),
        "b": np.where(np.isnan(acs), np.nan, acs <= 30),
        "c": np.array([v == "Yes" for v in data["sch.wide"]], dtype=float),
    }


@pytest.fixture(scope="module")
def dstrat():
    data = load("apistrat.csv")
    design = Design(weights=number(data["pw"]), strata=np.array(data["stype"]), fpc=[number(data["fpc"])])
    return design, data


@pytest.fixture(scope="module")
def dclus1():
    data = load("apiclus1.csv")
    design = Design(weights=number(data["pw"]), clusters=[np.array(data["dnum"])], fpc=[number(data["fpc"])])
    return design, data


def test_sipas_hand_computed_with_a_skipped_item():
    # Weighted shares: i1 = (1+0+2+1)/5 = 0.8 (row 5 skipped it), i2 = (1+1+0+1)/5 = 0.6 (row 4
    # skipped it), i3 = 4/6.  E1 = 100 (0.8+0.6)/2 = 70, E2 = 200/3, overall = (70 + 200/3)/2.
    weights = np.array([1.0, 1.0, 2.0, 1.0, 1.0])
    spec = sipas_spec({
        "E1": {"i1": [1, 0, 1, 1, np.nan], "i2": [1, 1, 0, np.nan, 1]},
        "E2": {"i3": [0, 1, 1, 1, 0]},
    })
    result = estimate_index(Design(weights=weights), spec)
    assert result.nodes["E1"].estimate == pytest.approx(70.0, rel=1e-12)
    assert result.nodes["E2"].estimate == pytest.approx(200 / 3, rel=1e-12)
    assert result.overall.estimate == pytest.approx((70 + 200 / 3) / 2, rel=1e-12)
    assert result.overall.n == 5
    # Dropping the respondents who skipped an item (complete cases) would give another value.
    assert result.overall.estimate != pytest.approx(100 * ((2 / 3 + 2 / 3) / 2 + 3 / 4) / 2)


def test_sipas_se_is_the_srs_se_of_the_respondent_scores():
    # Complete data, equal weights: the index is the mean of respondent scores
    # u = 100 * ((i1 + i2)/2 + i3)/2 = [100, 75, 50, 50, 25, 100], se = sd(u)/sqrt(6) with replacement.
    spec = sipas_spec({
        "E1": {"i1": [1, 1, 0, 1, 0, 1], "i2": [1, 0, 0, 1, 1, 1]},
        "E2": {"i3": [1, 1, 1, 0, 0, 1]},
    })
    result = estimate_index(Design(n=6), spec).overall
    scores = np.array([100, 75, 50, 50, 25, 100.0])
    assert result.estimate == pytest.approx(400 / 6, rel=1e-12)
    assert result.se == pytest.approx(scores.std(ddof=1) / np.sqrt(6), rel=1e-12)
    assert result.df == 5


def test_papi_toy_example_computed_by_hand():
    # Weighted means (weights 1, 2, 1, 1): x1 = (1 + 8 + 2)/4 = 2.75 (row 4 skipped it), x2 = 0.8,
    # x3 = 2.4, x4 = 5.  Rescaled: 1 + 9 (2.75 - 1)/3 = 6.25; 1 + 9 (0.8) = 8.2; reversed
    # 1 + 9 (5 - 2.4)/4 = 6.85; 1 + 9 (5/10) = 5.5.  Sub-dimensions (k = 2 in D1, 1 in D2):
    # a = (6.25 + 8.2)/2/2 = 3.6125, b = 6.85/2 = 3.425, c = 5.5; D1 = 7.0375, D2 = 5.5, total 12.5375.
    weights = np.array([1.0, 2.0, 1.0, 1.0])
    spec = papi_spec({
        "D1": {
            "a": {"x1": PapiIndicator(np.array([1, 4, 2, np.nan]), 1, 4),
                  "x2": PapiIndicator(np.array([0, 1, 1, 1.0]), 0, 1)},
            "b": {"x3": PapiIndicator(np.array([5, 1, 3, 2.0]), 1, 5, reverse=True)},
        },
        "D2": {"c": {"x4": PapiIndicator(np.array([10, 5, 0, 5.0]), 0, 10)}},
    })
    nodes = estimate_index(Design(weights=weights), spec).nodes
    expected = {"D1/a": 3.6125, "D1/b": 3.425, "D2/c": 5.5, "D1": 7.0375, "D2": 5.5, "PAPI": 12.5375}
    for node, value in expected.items():
        assert nodes[node].estimate == pytest.approx(value, rel=1e-12), node


def test_papi_bounds_are_checked():
    with pytest.raises(ValueError, match="low < high"):
        PapiIndicator(np.ones(3), 5, 1)
    with pytest.raises(ValueError, match="0/1"):
        sipas_spec({"E": {"i": [0, 2, 1]}})


@pytest.mark.parametrize(("fixture", "key"), [("dstrat", "dstrat"), ("dclus1", "dclus1")])
def test_index_matches_r_delta_method(fixture, key, request):
    design, data = request.getfixturevalue(fixture)
    result = estimate_index(design, share_index_spec("S", items(data))).overall
    assert (result.estimate, result.se) == pytest.approx(R[key], rel=1e-9)


def test_index_in_a_domain_matches_r(dclus1):
    design, data = dclus1
    domain = np.array([s == "E" for s in data["stype"]])
    result = estimate_index(design, share_index_spec("S", items(data)), domain=domain).overall
    assert (result.estimate, result.se) == pytest.approx(R["dclus1 E"], rel=1e-9)


@pytest.mark.parametrize(("fixture", "key"), [("dstrat", "dstrat"), ("dclus1", "dclus1")])
def test_single_item_index_is_100_times_the_share_with_r_deff(fixture, key, request):
    design, data = request.getfixturevalue(fixture)
    result = estimate_index(design, share_index_spec("A", {"a": items(data)["a"]})).overall
    if key == "dstrat":
        assert (result.estimate, result.se) == pytest.approx(R["dstrat a"], rel=1e-9)
    assert result.deff == pytest.approx(R_DEFF[key], rel=1e-9)
    assert result.n_eff == pytest.approx(result.n / result.deff, rel=1e-12)


def test_replicate_index_matches_r_and_the_delta_method(dstrat, dclus1):
    design, data = dclus1
    jk1 = estimate_index(ReplicateDesign.from_design(design, "jk1"), share_index_spec("S", items(data)))
    assert (jk1.overall.estimate, jk1.overall.se) == pytest.approx(R["dclus1 JK1"], rel=1e-9)
    design, data = dstrat
    spec = share_index_spec("S", items(data))
    jkn = estimate_index(ReplicateDesign.from_design(design, "jkn"), spec).overall
    assert (jkn.estimate, jkn.se) == pytest.approx(R["dstrat JKn"], rel=1e-9)
    delta = estimate_index(design, spec).overall
    assert jkn.se == pytest.approx(delta.se, rel=1e-3)


def test_bootstrap_se_is_close_to_the_delta_method(dstrat):
    design, data = dstrat
    spec = share_index_spec("S", items(data))
    boot = estimate_index(ReplicateDesign.from_design(design, "bootstrap", replicates=2000, seed=7), spec)
    delta = estimate_index(design, spec)
    # 2000 replicates: the relative Monte Carlo error of a bootstrap se is about 1/sqrt(2 * 2000).
    assert boot.overall.se == pytest.approx(delta.overall.se, rel=0.1)
    assert boot.overall.estimate == pytest.approx(delta.overall.estimate, rel=1e-12)


def test_delta_method_se_agrees_with_a_simulation():
    # Two strata x 15 PSUs x 8 respondents, PSU effects, item 2 missing for 20 % of respondents.
    rng = np.random.default_rng(11)
    strata = np.repeat([0, 1], 120)
    psu = np.repeat(np.arange(30), 8)
    weights = np.where(strata == 0, 10.0, 30.0)
    design = Design(weights=weights, strata=strata, clusters=[psu], lonely_psu="fail")
    values, ses = [], []
    for _ in range(400):
        effect = rng.normal(0.0, 0.8, size=30)[psu]
        base = np.array([0.0, 0.5, -0.5])
        answers = rng.random((240, 3)) < 1 / (1 + np.exp(-(base + effect[:, None] + 0.4 * strata[:, None])))
        answers = answers.astype(float)
        answers[rng.random(240) < 0.2, 1] = np.nan
        result = estimate_index(design, sipas_spec({"E": {"i1": answers[:, 0], "i2": answers[:, 1]},
                                                    "F": {"i3": answers[:, 2]}})).overall
        values.append(result.estimate)
        ses.append(result.se)
    # 400 draws: the sd of the estimates has a relative Monte Carlo error of about 3.5 %.
    assert np.mean(ses) == pytest.approx(np.std(values, ddof=1), rel=0.12)


def test_empty_domain_and_unanswered_indicator_give_nan_with_flags():
    spec = sipas_spec({"E": {"i1": [1, 0, 1, 1], "i2": [np.nan, np.nan, 1, 0]}})
    design = Design(n=4)
    empty = estimate_index(design, spec, domain=np.zeros(4, dtype=bool)).overall
    assert np.isnan(empty.estimate) and empty.n == 0 and "empty_domain" in empty.flags
    unanswered = estimate_index(design, spec, domain=np.array([True, True, False, False])).overall
    assert np.isnan(unanswered.estimate) and np.isnan(unanswered.se)
    assert "unanswered_indicator" in unanswered.flags


def test_an_unanswered_indicator_leaves_the_other_dimensions_defined():
    papi = papi_spec({
        "D1": {"a": {"x": PapiIndicator(np.array([np.nan, np.nan, 1.0, 0.0]), 0, 1)}},
        "D2": {"b": {"y": PapiIndicator(np.array([1.0, 0.0, 1.0, 1.0]), 0, 1)}},
    })
    nodes = estimate_index(Design(n=4), papi, domain=np.array([True, True, False, False])).nodes
    assert np.isnan(nodes["D1"].estimate) and np.isnan(nodes["PAPI"].estimate)
    # D2 in rows 1-2: mean of y = 0.5, rescaled 1 + 9 * 0.5 = 5.5.  Domain on the full design of 4
    # rows: influence z = (1/4, -1/4, 0, 0), variance n/(n-1) sum z^2 = 4/3 * 1/8 = 1/6, times 9^2.
    assert nodes["D2"].estimate == pytest.approx(5.5, rel=1e-12)
    assert nodes["D2"].se == pytest.approx(9 * np.sqrt(1 / 6), rel=1e-12)
    assert nodes["D2"].flags == tuple(f for f in nodes["D2"].flags if f != "unanswered_indicator")


def test_normal_interval_on_request(dstrat):
    design, data = dstrat
    result = estimate_index(design, share_index_spec("S", items(data)), ci="z", level=0.9).overall
    assert result.df == np.inf
    assert result.ci_high - result.estimate == pytest.approx(1.6448536269514722 * result.se, rel=1e-12)
    with pytest.raises(ValueError):
        estimate_index(design, share_index_spec("S", items(data)), ci="beta")


def test_cli_index_matches_r():
    arguments = [str(REFERENCE / "apiclus1.csv"), "--weight", "pw", "--cluster", "dnum", "--fpc", "fpc",
                 "--index", "S = mean(api00 > 700; acs.46<=30; sch.wide=Yes)", "--format", "json"]
    result = CliRunner().invoke(analyze, arguments)
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.stdout)
    assert record["statistic"] == "index" and record["target"] == "S"
    assert (record["estimate"], record["se"]) == pytest.approx(R["dclus1"], rel=1e-9)
    assert record["df"] == 14
    by = json.loads(CliRunner().invoke(analyze, [*arguments, "--by", "stype"]).stdout)
    e = next(r for r in by if r["domain"] == {"stype": "E"})
    assert (e["estimate"], e["se"]) == pytest.approx(R["dclus1 E"], rel=1e-9)
