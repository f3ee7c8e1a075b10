"""Properties of the indices: weight scaling, frequency weights, ranges, and JSON-ready comparisons."""

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis.comparisons import compare_domains
from analysis.design import Design
from analysis.indices import PapiIndicator, estimate_index, papi_spec, sipas_spec

ROWS = 12
answers = arrays(np.float64, (ROWS, 3), elements=st.sampled_from([0.0, 1.0, np.nan]))
weights = arrays(np.float64, ROWS, elements=st.floats(0.5, 20.0))


def complete_enough(values: np.ndarray) -> bool:
    return bool((~np.isnan(values)).sum(axis=0).min() >= 2)


def spec_of(values: np.ndarray):
    return sipas_spec({"A": {"i1": values[:, 0], "i2": values[:, 1]}, "B": {"i3": values[:, 2]}})


@settings(max_examples=60, deadline=None)
@given(answers, weights, st.floats(0.01, 1000.0))
def test_scaling_weights_leaves_the_index_and_its_se_unchanged(values, w, factor):
    if not complete_enough(values):
        return
    strata = np.repeat([0, 1], ROWS // 2)
    first = estimate_index(Design(weights=w, strata=strata), spec_of(values)).overall
    scaled = estimate_index(Design(weights=w * factor, strata=strata), spec_of(values)).overall
    assert np.isclose(first.estimate, scaled.estimate, rtol=1e-9)
    assert np.isclose(first.se, scaled.se, rtol=1e-7, atol=1e-12)
    assert 0.0 <= first.estimate <= 100.0


@settings(max_examples=60, deadline=None)
@given(answers, arrays(np.int64, ROWS, elements=st.integers(1, 4)))
def test_replicating_rows_equals_frequency_weighting(values, counts):
    if not complete_enough(values):
        return
    weighted = estimate_index(Design(weights=counts.astype(float)), spec_of(values)).overall
    repeated = estimate_index(Design(n=int(counts.sum())), spec_of(np.repeat(values, counts, axis=0)))
    assert np.isclose(weighted.estimate, repeated.overall.estimate, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (ROWS, 2), elements=st.floats(0.0, 5.0)), weights)
def test_papi_nodes_stay_within_their_theoretical_ranges(values, w):
    spec = papi_spec({
        "D1": {"a": {"x": PapiIndicator(values[:, 0], 0, 5)}, "b": {"y": PapiIndicator(values[:, 1], 0, 5, True)}},
        "D2": {"c": {"z": PapiIndicator(values[:, 0], 0, 5)}},
    })
    nodes = estimate_index(Design(weights=w), spec).nodes
    assert 0.5 - 1e-9 <= nodes["D1/a"].estimate <= 5 + 1e-9
    assert 1 - 1e-9 <= nodes["D1"].estimate <= 10 + 1e-9
    assert 2 - 1e-9 <= nodes["PAPI"].estimate <= 20 + 1e-9


def test_a_stratifying_share_has_zero_se():
    # The item is 1 in stratum 0 and 0 in stratum 1: with known stratum weights its share is fixed.
    strata = np.repeat([0, 1], 6)
    design = Design(weights=np.where(strata == 0, 2.0, 5.0), strata=strata)
    result = estimate_index(design, sipas_spec({"E": {"i": (strata == 0).astype(float)}})).overall
    assert np.isclose(result.estimate, 100 * 12 / 42) and abs(result.se) < 1e-12


def test_comparisons_are_json_ready():
    strata = np.repeat([0, 1], 6)
    y = np.arange(12, dtype=float)
    result = compare_domains(Design(strata=strata, n=12), y, np.arange(12) % 2 == 0, np.arange(12) % 2 == 1)
    record = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert record["basis"] == "joint" and record["statistic"] == "difference"
    assert record["n_eff"] is None and record["estimate"] == -1.0
