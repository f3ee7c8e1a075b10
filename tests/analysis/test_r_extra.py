"""Extra R survey values (tests/data/reference/extra/make_extra.R) reproduced through the Python API."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE, api_design, as_float, load_api

from analysis import estimators
from analysis.calibration import calibrate, poststratify, rake, trim
from analysis.design import Design
from analysis.replicates import ReplicateDesign

EXTRA = json.loads((REFERENCE / "extra" / "extra.json").read_text())
STYPE = {"E": 4421.0, "H": 755.0, "M": 1018.0}
SCH_WIDE = {"No": 1072.0, "Yes": 5122.0}
API99 = 3914069.0
STRICT = 1e-9


def check(
    result, key: str, rel: float = STRICT, fields=("est", "se", "deff", "ci_lo", "ci_hi", "df")
) -> None:
    """Compare an Estimate with the R values stored under ``key``."""
    expected = EXTRA[key]
    names = {
        "est": "estimate",
        "se": "se",
        "deff": "deff",
        "ci_lo": "ci_low",
        "ci_hi": "ci_high",
        "df": "df",
    }
    for field in fields:
        if field in expected:
            assert getattr(result, names[field]) == pytest.approx(
                expected[field], rel=rel, abs=0
            ), field


def check_by(results, key: str) -> None:
    """Compare svyby results matched by their labels."""
    expected = EXTRA[key]
    got = {".".join(str(v) for v in r.domain.values()): r for r in results}
    assert len(got) == len(expected["labels"])
    for label, est, se in zip(expected["labels"], expected["est"], expected["se"]):
        assert got[label].estimate == pytest.approx(est, rel=STRICT, abs=0)
        assert got[label].se == pytest.approx(se, rel=STRICT, abs=0)


def test_multistage_fpc():
    design, data = api_design("dclus2")
    check(estimators.mean(design, as_float(data.api00)), "mean api00 dclus2")
    check(estimators.total(design, as_float(data.enroll)), "total enroll dclus2")
    check(
        estimators.ratio(design, as_float(data["api.stu"]), as_float(data.enroll)),
        "ratio api.stu/enroll dclus2",
    )
    assert design.degrees_of_freedom() == EXTRA["degf dclus2"]


def test_multistage_without_fpc_is_first_stage_with_replacement():
    data = load_api("apiclus2")
    design = Design(
        weights=as_float(data.pw), clusters=[data.dnum.to_numpy(), data.snum.to_numpy()]
    )
    check(estimators.mean(design, as_float(data.api00)), "mean api00 dclus2_nofpc")


def test_domains_with_clusters():
    design, data = api_design("dclus2")
    check_by(
        estimators.by(
            design, estimators.mean, {"stype": data.stype.to_numpy()}, as_float(data.api00)
        ),
        "by stype mean api00 dclus2",
    )
    design, data = api_design("dstrat")
    check_by(
        estimators.by(
            design, estimators.total, {"stype": data.stype.to_numpy()}, as_float(data.enroll)
        ),
        "by stype total enroll dstrat",
    )
    design, data = api_design("dclus1")
    groups = {"stype": data.stype.to_numpy(), "sch.wide": data["sch.wide"].to_numpy()}
    check_by(
        estimators.by(design, estimators.mean, groups, as_float(data.api00)),
        "by stype+sch.wide mean api00 dclus1",
    )


@pytest.mark.parametrize("stype", ["E", "H", "M"])
def test_domain_df_deff_and_t_interval(stype):
    design, data = api_design("dclus1")
    mask = (data.stype == stype).to_numpy()
    assert design.degrees_of_freedom(mask) == EXTRA[f"degf dclus1 stype {stype}"]
    check(
        estimators.mean(design, as_float(data.api00), domain=mask),
        f"mean api00 dclus1 stype {stype}",
    )


@pytest.mark.parametrize("method", ["beta", "logit", "xlogit", "asin", "likelihood", "mean"])
def test_domain_proportion_intervals(method):
    design, data = api_design("dclus1")
    mask = (data.stype == "E").to_numpy()
    result = estimators.proportion(
        design, (data.api00 > 700).to_numpy(dtype=float), domain=mask, ci=method
    )
    check(
        result,
        f"ciprop api00>700 dclus1 stype E {method}",
        rel=1e-6 if method in ("logit", "likelihood") else STRICT,
    )


@pytest.mark.parametrize("method", ["beta", "xlogit", "asin", "mean"])
def test_domain_proportion_multistage(method):
    design, data = api_design("dclus2")
    mask = (data.stype == "M").to_numpy()
    assert design.degrees_of_freedom(mask) == EXTRA["degf dclus2 stype M"]
    result = estimators.proportion(
        design, (data.api00 > 700).to_numpy(dtype=float), domain=mask, ci=method
    )
    check(result, f"ciprop api00>700 dclus2 stype M {method}")


def test_design_effects_of_totals_ratios_proportions():
    design, data = api_design("dstrat")
    check(estimators.total(design, as_float(data.enroll)), "total enroll dstrat deff")
    check(
        estimators.ratio(design, as_float(data["api.stu"]), as_float(data.enroll)),
        "ratio api.stu/enroll dstrat deff",
    )
    design, data = api_design("dclus1")
    check(
        estimators.proportion(design, (data.api00 > 700).to_numpy(dtype=float)),
        "mean api00>700 dclus1 deff",
        fields=("est", "se", "deff"),
    )


def test_other_level():
    design, data = api_design("dclus1")
    event = (data.api00 > 700).to_numpy(dtype=float)
    check(estimators.proportion(design, event, level=0.9), "ciprop api00>700 dclus1 beta level 0.9")
    check(
        estimators.proportion(design, event, level=0.9, ci="likelihood"),
        "ciprop api00>700 dclus1 likelihood level 0.9",
        rel=1e-6,
    )
    check(estimators.mean(design, as_float(data.api00), level=0.9), "mean api00 dclus1 level 0.9")


def test_jackknife_jk1():
    design, data = api_design("dclus1")
    replicate = ReplicateDesign.from_design(design, "jk1")
    check(estimators.mean(replicate, as_float(data.api00)), "jk1 mean api00 dclus1")
    check(estimators.total(replicate, as_float(data.enroll)), "jk1 total enroll dclus1")
    assert replicate.degrees_of_freedom() == EXTRA["degf jk1 dclus1"]
    design, data = api_design("dclus1_nofpc")
    check(
        estimators.mean(ReplicateDesign.from_design(design, "jk1"), as_float(data.api00)),
        "jk1 mean api00 dclus1_nofpc",
    )


def test_jackknife_jkn():
    design, data = api_design("dstrat")
    replicate = ReplicateDesign.from_design(design, "jkn")
    check(estimators.total(replicate, as_float(data.enroll)), "jkn total enroll dstrat")
    check(
        estimators.ratio(replicate, as_float(data["api.stu"]), as_float(data.enroll)),
        "jkn ratio api.stu/enroll dstrat",
    )
    check_by(
        estimators.by(
            replicate,
            estimators.mean,
            {"sch.wide": data["sch.wide"].to_numpy()},
            as_float(data.api00),
        ),
        "jkn by sch.wide mean api00 dstrat",
    )


def _fixed_bootstrap(mse: bool) -> tuple[ReplicateDesign, pd.DataFrame]:
    data = load_api("apiclus1")
    table = pd.read_csv(REFERENCE / "extra" / "bootstrap_multipliers.csv")
    row = table.set_index("dnum").loc[data.dnum].to_numpy()
    weights = as_float(data.pw)
    return ReplicateDesign(
        weights, weights[:, None] * row, scale=EXTRA["bootstrap scale"], mse=mse
    ), data


def test_fixed_bootstrap_matrix():
    replicate, data = _fixed_bootstrap(mse=False)
    check(estimators.mean(replicate, as_float(data.api00)), "bootstrap mean api00 dclus1")
    check(estimators.total(replicate, as_float(data.enroll)), "bootstrap total enroll dclus1")
    assert replicate.degrees_of_freedom() == EXTRA["degf bootstrap dclus1"]
    replicate, data = _fixed_bootstrap(mse=True)
    check(estimators.mean(replicate, as_float(data.api00)), "bootstrap mse mean api00 dclus1")


def test_covariance_of_matches_the_fast_path():
    replicate, data = _fixed_bootstrap(mse=False)
    y = as_float(data.api00)
    generic = replicate.covariance_of(lambda w: np.array([w @ y / w.sum()]))
    assert math.sqrt(generic[0, 0]) == pytest.approx(
        EXTRA["bootstrap mean api00 dclus1"]["se"], rel=STRICT
    )


def test_poststratify_with_unequal_weights():
    design, data = api_design("dclus2")
    post = poststratify(design, data.stype.to_numpy(), STYPE)
    check(estimators.mean(post, as_float(data.api00)), "poststratify mean api00 dclus2")
    check(estimators.total(post, as_float(data.enroll)), "poststratify total enroll dclus2")


@pytest.mark.parametrize("name", ["dclus1", "dclus2"])
def test_rake(name):
    design, data = api_design(name)
    raked = rake(
        design,
        {
            "stype": (data.stype.to_numpy(), STYPE),
            "sch.wide": (data["sch.wide"].to_numpy(), SCH_WIDE),
        },
        tol=1e-13,
        max_iter=500,
    )
    check(estimators.mean(raked, as_float(data.api00)), f"rake mean api00 {name}")
    if name == "dclus1":
        check(estimators.total(raked, as_float(data.enroll)), "rake total enroll dclus1")


def test_calibration_variants():
    design, data = api_design("dclus1")
    stype = {"stype": (data.stype.to_numpy(), STYPE)}
    api99 = {"api99": (as_float(data.api99), API99)}
    bounded = calibrate(design, categorical=stype, numeric=api99, bounds=(0.5, 1.6))
    g = bounded.weights / design.weights
    assert g.min() == pytest.approx(0.5) and g.max() == pytest.approx(1.6)
    check(estimators.mean(bounded, as_float(data.api00)), "calibrate bounded mean api00 dclus1")
    numeric_only = calibrate(design, numeric=api99, population_size=6194)
    check(estimators.mean(numeric_only, as_float(data.api00)), "calibrate api99 mean api00 dclus1")
    design, data = api_design("dclus2")
    both = calibrate(
        design,
        categorical={"stype": (data.stype.to_numpy(), STYPE)},
        numeric={"api99": (as_float(data.api99), API99)},
    )
    check(estimators.mean(both, as_float(data.api00)), "calibrate stype+api99 mean api00 dclus2")


def test_trim():
    design, data = api_design("dclus2")
    trimmed = trim(design, 20, 150)
    assert trimmed.weights.min() >= 20 - 1e-9 and trimmed.weights.max() <= 150 + 1e-9
    assert trimmed.weights.sum() == pytest.approx(design.weights.sum(), rel=1e-12)
    check(estimators.mean(trimmed, as_float(data.api00)), "trim mean api00 dclus2")
    calibrated = calibrate(design, categorical={"stype": (data.stype.to_numpy(), STYPE)})
    check(
        estimators.mean(trim(calibrated, -math.inf, 200), as_float(data.api00)),
        "calibrate then trim mean api00 dclus2",
    )


@pytest.mark.parametrize("option", ["adjust", "average", "remove", "certainty"])
def test_lonely_options(option):
    design, data = api_design("lonely", lonely_psu=option)
    check(estimators.mean(design, as_float(data.api00)), f"lonely {option} mean api00")
    check(estimators.total(design, as_float(data.enroll)), f"lonely {option} total enroll")
    replicate = ReplicateDesign.from_design(design, "jkn")
    check(estimators.mean(replicate, as_float(data.api00)), f"lonely {option} jkn mean api00")


def test_calibrated_replicate_designs():
    design, data = api_design("dclus1")
    jk1 = ReplicateDesign.from_design(design, "jk1")
    stype = data.stype.to_numpy()
    post = poststratify(jk1, stype, STYPE)
    check(estimators.mean(post, as_float(data.api00)), "jk1 poststratify mean api00 dclus1")
    cal = calibrate(
        jk1, categorical={"stype": (stype, STYPE)}, numeric={"api99": (as_float(data.api99), API99)}
    )
    check(estimators.mean(cal, as_float(data.api00)), "jk1 calibrate stype+api99 mean api00 dclus1")
    margins = {"stype": (stype, STYPE), "sch.wide": (data["sch.wide"].to_numpy(), SCH_WIDE)}
    raked = rake(jk1, margins, tol=1e-13, max_iter=500)
    check(estimators.mean(raked, as_float(data.api00)), "jk1 rake mean api00 dclus1")
    data = load_api("apiclus2")
    first_stage = Design(weights=as_float(data.pw), clusters=[data.dnum.to_numpy()])
    post = poststratify(
        ReplicateDesign.from_design(first_stage, "jk1"), data.stype.to_numpy(), STYPE
    )
    check(
        estimators.total(post, as_float(data.enroll)),
        "jk1 poststratify total enroll apiclus2 first stage",
    )


@pytest.mark.parametrize("method", ["beta", "logit", "xlogit", "asin", "mean"])
@pytest.mark.parametrize(("name", "kind"), [("dstrat", "jkn"), ("dclus1", "jk1")])
def test_proportions_on_replicate_designs(method, name, kind):
    design, data = api_design(name)
    replicate = ReplicateDesign.from_design(design, kind)
    result = estimators.proportion(replicate, (data.api00 > 700).to_numpy(dtype=float), ci=method)
    check(
        result,
        f"ciprop api00>700 {kind} {name} {method}",
        rel=1e-6 if method == "logit" else STRICT,
    )


def test_replicate_domain_degrees_of_freedom():
    design, data = api_design("dstrat")
    replicate = ReplicateDesign.from_design(design, "jkn")
    assert (
        replicate.degrees_of_freedom((data.stype == "E").to_numpy())
        == EXTRA["degf jkn dstrat stype E"]
    )


def test_domains_of_calibrated_designs():
    design, data = api_design("dclus1")
    cal = calibrate(
        design,
        categorical={"stype": (data.stype.to_numpy(), STYPE)},
        numeric={"api99": (as_float(data.api99), API99)},
    )
    groups = {"stype": data.stype.to_numpy()}
    check_by(
        estimators.by(cal, estimators.mean, groups, as_float(data.api00)),
        "by stype mean api00 calibrated dclus1",
    )
    assert (
        cal.degrees_of_freedom((data.stype == "H").to_numpy())
        == EXTRA["degf calibrated dclus1 stype H"]
    )
    design, data = api_design("dclus2")
    post = poststratify(design, data.stype.to_numpy(), STYPE)
    check_by(
        estimators.by(
            post, estimators.mean, {"sch.wide": data["sch.wide"].to_numpy()}, as_float(data.api00)
        ),
        "by sch.wide mean api00 poststratified dclus2",
    )


def test_replicates_of_a_calibrated_design_repeat_the_calibration():
    design, data = api_design("dclus1")
    stype = data.stype.to_numpy()
    margins = {"stype": (stype, STYPE), "sch.wide": (data["sch.wide"].to_numpy(), SCH_WIDE)}
    api99 = {"api99": (as_float(data.api99), API99)}
    cases = {
        "jk1 poststratify mean api00 dclus1": poststratify(design, stype, STYPE),
        "jk1 calibrate stype+api99 mean api00 dclus1": calibrate(
            design, categorical={"stype": (stype, STYPE)}, numeric=api99
        ),
        "jk1 rake mean api00 dclus1": rake(design, margins, tol=1e-13, max_iter=500),
    }
    for key, calibrated in cases.items():
        replicate = ReplicateDesign.from_design(calibrated, "jk1")
        check(estimators.mean(replicate, as_float(data.api00)), key)
        assert replicate.degrees_of_freedom() == 14
        assert replicate.degrees_of_freedom((data.stype == "H").to_numpy()) == 7
