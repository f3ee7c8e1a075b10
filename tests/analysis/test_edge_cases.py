"""Edge cases: boundaries, empty domains, no degrees of freedom, lonely PSUs, invalid input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import api_design, as_float, load_api

from analysis import estimators
from analysis.calibration import CalibrationError, calibrate, poststratify, rake, trim
from analysis.design import Design, DesignError
from analysis.intervals import PROPORTION_METHODS
from analysis.replicates import ReplicateDesign


@pytest.mark.parametrize("method", ["beta", "logit", "xlogit", "likelihood", "asin"])
@pytest.mark.parametrize("value", [0.0, 1.0])
def test_boundary_falls_back_to_clopper_pearson_with_actual_n(method, value):
    design, data = api_design("dclus1")
    mask = (data.stype == "E").to_numpy()
    result = estimators.proportion(design, np.full(design.n, value), domain=mask, ci=method)
    n = int(mask.sum())
    edge = 0.025 ** (1 / n)  # closed form of Clopper-Pearson at x = 0 or n
    assert result.estimate == value and result.se == 0
    assert (result.ci_low, result.ci_high) == pytest.approx(
        (0, 1 - edge) if value == 0 else (edge, 1), rel=1e-12
    )
    assert "boundary" in result.flags and math.isnan(result.n_eff)
    assert "n_eff<30" not in result.flags  # n = 144 stands in for the undefined n_eff


def test_boundary_wilson_uses_actual_n_and_wald_stays_degenerate():
    design, _ = api_design("dstrat")
    wilson = estimators.proportion(design, np.zeros(design.n), ci="wilson")
    z2 = 1.959963984540054**2
    assert wilson.ci_high == pytest.approx(z2 / (200 + z2), rel=1e-12)
    wald = estimators.proportion(design, np.zeros(design.n), ci="mean")
    assert (wald.ci_low, wald.ci_high) == (0, 0)


@pytest.mark.parametrize("estimator", [estimators.mean, estimators.total, estimators.proportion])
def test_empty_domain_gives_nan_and_a_flag(estimator):
    design, data = api_design("dclus1")
    result = estimator(
        design, (data.api00 > 700).to_numpy(dtype=float), domain=np.zeros(design.n, bool)
    )
    assert result.n == 0 and math.isnan(result.estimate) and math.isnan(result.se)
    assert result.flags == ("empty_domain",)
    assert result.to_dict()["estimate"] is None


def test_empty_ratio_and_zero_denominator():
    design, data = api_design("dclus1")
    empty = estimators.ratio(
        design, as_float(data.api00), as_float(data.enroll), domain=np.zeros(design.n, bool)
    )
    assert empty.flags == ("empty_domain",)
    zero = estimators.ratio(design, as_float(data.api00), np.zeros(design.n))
    assert math.isnan(zero.estimate) and zero.flags == ("zero_denominator",)


def test_domain_in_one_psu_has_no_degrees_of_freedom():
    design, data = api_design("dclus1")
    mask = (data.dnum == data.dnum.iloc[0]).to_numpy()
    result = estimators.mean(design, as_float(data.api00), domain=mask)
    assert result.df == 0
    assert math.isnan(result.ci_low) and math.isnan(result.ci_high)
    assert "df<8" in result.flags
    for method in set(PROPORTION_METHODS) - {"z"}:
        prop = estimators.proportion(
            design, (data.api00 > 700).to_numpy(dtype=float), domain=mask, ci=method
        )
        assert prop.df == 0


def test_all_events_in_one_psu():
    design, data = api_design("dclus1")
    event = (data.dnum == data.dnum.iloc[0]).to_numpy(dtype=float)
    for method in ("beta", "logit", "likelihood", "wilson", "asin"):
        result = estimators.proportion(design, event, ci=method)
        assert 0 < result.estimate < 1 and result.se > 0
        assert 0 <= result.ci_low < result.estimate < result.ci_high <= 1


def test_missing_values_are_outside_the_domain():
    design, data = api_design("dclus1")
    y = as_float(data.api00)
    y[::7] = np.nan
    with_nan = estimators.mean(design, y)
    explicit = estimators.mean(design, np.nan_to_num(y), domain=~np.isnan(y))
    assert (with_nan.estimate, with_nan.se, with_nan.n, with_nan.df) == (
        explicit.estimate,
        explicit.se,
        explicit.n,
        explicit.df,
    )


def test_lonely_psu_fail_names_the_stratum():
    data = load_api("lonely_apistrat")
    with pytest.raises(DesignError, match="stratum 'H' has only one PSU"):
        Design(weights=as_float(data.pw), strata=data.stype.to_numpy())


def test_census_stratum_with_one_psu_is_not_lonely():
    design = Design(strata=np.array([0, 0, 1]), fpc=[np.array([10, 10, 1])])
    result = estimators.mean(design, np.array([1.0, 3.0, 10.0]))
    assert result.se > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": np.array([1.0, -1.0, 2.0])}, "must not be negative"),
        ({"weights": np.array([1.0, np.nan, 2.0])}, "missing or infinite"),
        ({"weights": np.ones(3), "strata": np.array([1, 2])}, "different lengths"),
        ({"fpc": [np.array([1, 1, 1])]}, "smaller than the sample"),
        ({"fpc": [np.array([10, 0.5, 10])]}, "all population counts"),
        ({"strata": np.array([1, 1, 2, 2]), "fpc": [np.array([10, 11, 10, 10])]}, "varies within"),
        ({"n": 3, "lonely_psu": "drop"}, "lonely_psu must be one of"),
        ({"strata": np.array([1.0, np.nan, 2.0])}, "strata has missing values"),
        ({}, "number of rows"),
        (
            {
                "clusters": [np.arange(4), np.arange(4)],
                "fpc": [np.full(4, 9), np.full(4, 9), np.full(4, 9)],
            },
            "3 fpc columns",
        ),
        (
            {"clusters": [np.array([1, 1, 2, 2]), np.arange(4)], "fpc": [np.full(4, 9)]},
            "fpc for every stage",
        ),
    ],
)
def test_design_errors(kwargs, message):
    with pytest.raises(DesignError, match=message):
        Design(**kwargs)


def test_estimator_input_errors():
    design, data = api_design("dclus1")
    with pytest.raises(ValueError, match="0/1"):
        estimators.proportion(design, as_float(data.api00))
    with pytest.raises(ValueError, match="rows"):
        estimators.mean(design, np.ones(3))
    with pytest.raises(ValueError, match="unknown proportion interval"):
        estimators.proportion(design, np.ones(design.n), ci="exact")
    with pytest.raises(ValueError, match="level must be"):
        estimators.proportion(design, np.ones(design.n), level=95)
    with pytest.raises(ValueError, match="level must be"):
        estimators.mean(design, as_float(data.api00), level=0)
    with pytest.raises(ValueError, match="use t or z"):
        estimators.mean(design, as_float(data.api00), ci="beta")


def test_calibration_errors():
    design, data = api_design("dclus1")
    stype = data.stype.to_numpy()
    with pytest.raises(CalibrationError, match="in the sample but not in the population"):
        poststratify(design, stype, {"E": 4421, "H": 755})
    with pytest.raises(CalibrationError, match="no sample rows"):
        poststratify(design, stype, {"E": 4421, "H": 755, "M": 1018, "X": 5})
    with pytest.raises(CalibrationError, match="inconsistent margins"):
        rake(
            design,
            {
                "stype": (stype, {"E": 4421, "H": 755, "M": 1018}),
                "sch.wide": (data["sch.wide"].to_numpy(), {"No": 1000, "Yes": 5000}),
            },
        )
    with pytest.raises(CalibrationError, match="did not converge"):
        rake(
            design,
            {
                "stype": (stype, {"E": 4421, "H": 755, "M": 1018}),
                "sch.wide": (data["sch.wide"].to_numpy(), {"No": 1072, "Yes": 5122}),
            },
            max_iter=1,
            tol=1e-15,
        )
    with pytest.raises(CalibrationError, match="inconsistent margins"):
        calibrate(
            design,
            categorical={"stype": (stype, {"E": 4421, "H": 755, "M": 1018})},
            population_size=7000,
        )
    with pytest.raises(CalibrationError, match="did not converge"):
        calibrate(
            design,
            categorical={"stype": (stype, {"E": 4421, "H": 755, "M": 1018})},
            numeric={"api99": (as_float(data.api99), 3914069.0)},
            bounds=(0.95, 1.05),
        )
    with pytest.raises(CalibrationError, match="must contain 1"):
        calibrate(design, numeric={"api99": (as_float(data.api99), 3914069.0)}, bounds=(1.1, 2))
    with pytest.raises(CalibrationError, match="low < high"):
        trim(design, 10, 5)
    with pytest.raises(CalibrationError, match="cannot be met"):
        trim(design, 1, 2)
    with pytest.raises(CalibrationError, match="needs a Design or a ReplicateDesign"):
        poststratify(_Rows(design.n, design.weights), stype, {"E": 4421, "H": 755, "M": 1018})


class _Rows:
    """Something with rows and weights that is not a design."""

    def __init__(self, n, weights):
        self.n, self.weights = n, weights


def test_replicate_errors():
    design, _ = api_design("dstrat")
    with pytest.raises(DesignError, match="JK1 is for unstratified"):
        ReplicateDesign.from_design(design, "jk1")
    with pytest.raises(DesignError, match="must be one of"):
        ReplicateDesign.from_design(design, "brr")
    with pytest.raises(DesignError, match="at least 2"):
        ReplicateDesign.from_design(design, "bootstrap", replicates=1)


def test_calibration_meets_its_totals():
    design, data = api_design("dclus2")
    stype = data.stype.to_numpy()
    cal = calibrate(
        design,
        categorical={"stype": (stype, {"E": 4421, "H": 755, "M": 1018})},
        numeric={"api99": (as_float(data.api99), 3914069.0)},
    )
    assert cal.weights.sum() == pytest.approx(6194, rel=1e-12)
    assert cal.weights @ as_float(data.api99) == pytest.approx(3914069.0, rel=1e-12)
    assert cal.weights[stype == "H"].sum() == pytest.approx(755, rel=1e-12)
    post = poststratify(design, stype, {"E": 4421, "H": 755, "M": 1018})
    assert estimators.total(post, (stype == "M").astype(float)).se == pytest.approx(0, abs=1e-6)


def test_replicate_design_input_errors():
    with pytest.raises(DesignError, match="finite and not negative"):
        ReplicateDesign(np.array([1.0, -1.0]), np.ones((2, 3)), scale=1)
    with pytest.raises(DesignError, match=r"\(2, R\) array"):
        ReplicateDesign(np.ones(2), np.ones((3, 3)), scale=1)
    with pytest.raises(DesignError, match="multipliers with psu"):
        ReplicateDesign(np.ones(2), scale=1)
    with pytest.raises(DesignError, match="index the rows"):
        ReplicateDesign(np.ones(2), scale=1, multipliers=np.ones((1, 4)), psu=np.array([0, 1]))
    with pytest.raises(DesignError, match="one value per replicate"):
        ReplicateDesign(np.ones(2), np.ones((2, 3)), scale=1, rscales=np.ones(2))


def test_jackknife_refuses_too_many_psus():
    with pytest.raises(DesignError, match="use the bootstrap"):
        ReplicateDesign.from_design(Design(n=2500), "jk1")


def test_cluster_labels_nest_within_strata():
    design = Design(
        strata=np.array(["a", "a", "b", "b", "b"]), clusters=[np.array([1, 2, 1, 2, 2])]
    )
    assert design.degrees_of_freedom() == 2  # four PSUs in two strata, not two PSUs
    assert len(set(design.psu)) == 4 and list(design.strata) == [0, 0, 1, 1, 1]
    assert "psu=4" in repr(design)
