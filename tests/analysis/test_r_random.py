"""Random multistage samples cross-checked with R survey (tests/data/reference/extra/make_random.R)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE

from analysis import estimators
from analysis.calibration import poststratify
from analysis.design import Design
from analysis.replicates import ReplicateDesign

RESULTS = json.loads((REFERENCE / "extra" / "random.json").read_text())
SAMPLES = pd.read_csv(REFERENCE / "extra" / "random_samples.csv")
REL = 1e-9


def expect(actual, key: str, field: str = "est") -> None:
    """Assert agreement with the R value stored under ``key``."""
    assert actual == pytest.approx(RESULTS[key][field], rel=REL, abs=1e-12), (key, field)


def _estimate(result, key: str) -> None:
    expect(result.estimate, key)
    expect(result.se, key, "se")
    if RESULTS[key].get("deff") is not None:
        expect(result.deff, key, "deff")


@pytest.mark.parametrize("k", sorted(SAMPLES["sample"].unique()))
def test_random_sample_matches_r(k):
    data = SAMPLES[SAMPLES["sample"] == k].reset_index(drop=True)
    prefix = f"sample {k}: "
    y, x = data.y.to_numpy(float), data.x.to_numpy(float)
    for lonely in ("certainty", "adjust"):  # the other estimates below use "adjust", as in R
        two = Design(
            strata=data.stratum.to_numpy(),
            clusters=[data.psu.to_numpy(), data.ssu.to_numpy()],
            fpc=[data.fpc1.to_numpy(float), data.fpc2.to_numpy(float)],
            lonely_psu=lonely,
        )
        _estimate(estimators.mean(two, y), f"{prefix}{lonely} two-stage mean y")
        _estimate(estimators.total(two, y), f"{prefix}{lonely} two-stage total y")
    _estimate(estimators.ratio(two, y, x), f"{prefix}two-stage ratio y/x")
    assert two.degrees_of_freedom() == RESULTS[f"{prefix}two-stage degf"]
    by = RESULTS[f"{prefix}two-stage by g mean y"]
    results = estimators.by(two, estimators.mean, {"g": data.g.to_numpy()}, y)
    assert [r.domain["g"] for r in results] == by["labels"]
    for result, est, se in zip(results, by["est"], by["se"]):
        assert (result.estimate, result.se) == pytest.approx((est, se), rel=REL)
    event = data.event.to_numpy(float)
    for method in ("beta", "xlogit", "asin", "mean"):
        key = f"{prefix}two-stage ciprop event {method}"
        result = estimators.proportion(two, event, ci=method)
        expect(result.estimate, key)
        assert (result.ci_low, result.ci_high) == pytest.approx(
            tuple(RESULTS[key]["ci"]), rel=REL, abs=1e-12
        )
    weighted = Design(
        weights=data.w.to_numpy(float),
        strata=data.stratum.to_numpy(),
        clusters=[data.psu.to_numpy()],
    )
    _estimate(estimators.mean(weighted, y), f"{prefix}weighted mean y")
    population = {
        label: total
        for label, total in (("a", 400), ("b", 300), ("c", 200))
        if label in set(data.g)
    }
    post = poststratify(weighted, data.g.to_numpy(), population)
    _estimate(estimators.mean(post, y), f"{prefix}weighted poststratified mean y")
    _estimate(
        estimators.mean(ReplicateDesign.from_design(weighted, "jkn"), y),
        f"{prefix}weighted jkn mean y",
    )
    assert np.isfinite(estimators.mean(two, y).se)
