"""Systematic PPS: exact inclusion probabilities by enumerating every random start, certainty units."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from survey.domain.sampling import SamplingError, inclusion_probabilities, systematic_pps


def exact_probabilities(sizes, n, certain=None) -> np.ndarray:
    """Return P(unit selected) by enumerating the random start over the intervals between breakpoints.

    The selected set is constant between consecutive values of frac(C_i / k) (k the interval), so
    the probability of a set is the length of its start interval; certainty units are found here by
    the textbook rule without calling the code under test.
    """
    x = np.asarray(sizes, float)
    taken = np.zeros(x.size, bool) if certain is None else np.asarray(certain, bool).copy()
    while True:
        m = n - taken.sum()
        big = ~taken & (x * m >= x[~taken].sum()) if m else np.zeros(x.size, bool)
        if not big.any():
            break
        taken |= big
    m = n - taken.sum()
    probabilities = taken.astype(float)
    if not m:
        return probabilities
    others = np.flatnonzero(~taken)
    cumulative = np.cumsum(x[others])
    k = cumulative[-1] / m
    breaks = np.unique(np.concatenate([[0.0, 1.0], np.mod(cumulative / k, 1.0)]))
    for low, high in itertools.pairwise(breaks):
        selection = systematic_pps(x, n, start=(low + high) / 2, certain=certain)
        chosen = np.zeros(x.size, bool)
        chosen[list(selection.selected)] = True
        assert len(selection.selected) == n
        probabilities[chosen & ~taken] += high - low
    return probabilities


FRAMES = [
    ([10, 20, 30, 40], 2),
    ([3, 1, 4, 1, 5, 9, 2, 6], 3),
    ([50, 30, 10, 5, 5], 3),  # 50 then 30 become certainty units one after the other
    ([7.5, 0.25, 12.0, 3.3, 8.8, 1.1, 4.4], 4),
    ([1, 1, 1, 1, 1, 1, 1], 3),
]


@pytest.mark.parametrize(("sizes", "n"), FRAMES)
def test_enumerated_probabilities_equal_n_x_over_X(sizes, n):
    exact = exact_probabilities(sizes, n)
    recorded, _ = inclusion_probabilities(sizes, n)
    np.testing.assert_allclose(exact, recorded, atol=1e-12)
    assert exact.sum() == pytest.approx(n)


def test_closed_form_on_a_frame_without_large_units():
    sizes = np.array([3, 1, 4, 1, 5, 9, 2, 6], float)
    probabilities, certain = inclusion_probabilities(sizes, 3)
    np.testing.assert_allclose(probabilities, 3 * sizes / 31)
    assert not certain.any()


def test_large_units_become_certain_iteratively():
    probabilities, certain = inclusion_probabilities([50, 30, 10, 5, 5], 3)
    np.testing.assert_allclose(probabilities, [1, 1, 0.5, 0.25, 0.25])
    assert certain.tolist() == [True, True, False, False, False]


def test_flagged_units_are_always_selected_and_count_towards_n():
    certain = [False, False, True, False, False, False]
    sizes = [10, 20, 1, 40, 20, 10]
    exact = exact_probabilities(sizes, 3, certain)
    assert exact[2] == 1
    np.testing.assert_allclose(exact, [0.2, 0.4, 1, 0.8, 0.4, 0.2])
    for seed in range(50):
        assert 2 in systematic_pps(sizes, 3, rng=np.random.default_rng(seed), certain=certain).selected


def test_random_frames_match_the_closed_form():
    rng = np.random.default_rng(7)
    for _ in range(40):
        count = int(rng.integers(2, 15))
        sizes = rng.gamma(1.0, 100.0, count) + 0.5
        n = int(rng.integers(1, count + 1))
        exact = exact_probabilities(sizes, n)
        np.testing.assert_allclose(exact, inclusion_probabilities(sizes, n)[0], atol=1e-9)


def test_same_seed_same_sample():
    sizes = np.arange(1, 30, dtype=float)
    first = systematic_pps(sizes, 5, rng=np.random.default_rng(2026)).selected
    assert systematic_pps(sizes, 5, rng=np.random.default_rng(2026)).selected == first
    others = {systematic_pps(sizes, 5, rng=np.random.default_rng(s)).selected for s in range(20)}
    assert len(others) > 5


@pytest.mark.parametrize(("sizes", "n", "certain", "code"), [
    ([1, 2], 3, None, "too_many"),
    ([1, 0, 2], 2, None, "size_zero"),
    ([1, -1, 2], 2, None, "size_invalid"),
    ([1, float("nan"), 2], 2, None, "size_invalid"),
    ([1, 2, 3], 0, None, "sample_size"),
    ([1, 2, 3], 1, [True, True, False], "certainty_exceeds_n"),
])
def test_clear_errors(sizes, n, certain, code):
    with pytest.raises(SamplingError) as raised:
        systematic_pps(sizes, n, rng=np.random.default_rng(1), certain=certain)
    assert raised.value.code == code
    assert " / " in str(raised.value)


def test_a_flagged_unit_of_size_zero_is_allowed():
    selection = systematic_pps([0, 5, 5], 2, rng=np.random.default_rng(3), certain=[True, False, False])
    assert 0 in selection.selected and len(selection.selected) == 2
