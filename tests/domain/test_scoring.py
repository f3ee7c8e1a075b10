"""Scoring rules against hand-computed PAPI-style rescaling and reverse coding."""

from survey.domain.model import Score


def test_rescale_maps_theoretical_bounds_to_1_and_10():
    score = Score(rescale=(1.0, 4.0))
    assert score.apply(1) == 1.0
    assert score.apply(4) == 10.0
    assert score.apply(2) == 4.0  # 1 + 9 * (2 - 1) / 3


def test_reverse_coding_flips_within_the_bounds():
    score = Score(rescale=(0.0, 5.0), reverse=True)
    assert score.apply(0) == 10.0
    assert score.apply(5) == 1.0
    assert score.apply(1) == 1 + 9 * 4 / 5


def test_value_map_then_rescale():
    score = Score(values={"yes": 1.0, "no": 0.0}, rescale=(0.0, 1.0))
    assert (score.apply("yes"), score.apply("no"), score.apply("maybe")) == (10.0, 1.0, None)


def test_binary_satisfied():
    score = Score(satisfied=(4, 5))
    assert [score.apply(v) for v in (1, 2, 3, 4, 5)] == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert score.is_binary
