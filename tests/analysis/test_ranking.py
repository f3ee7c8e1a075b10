"""Four-group rankings: group sizes, order, cuts and notes on unsettled places."""

import math

import pytest

from analysis.estimate import Estimate
from analysis.ranking import GROUPS, group_sizes, rank_groups


def unit(value: float, half_width: float = 0.1) -> Estimate:
    """Return an index estimate with a symmetric interval."""
    return Estimate("index", "SIPAS", None, value, half_width / 2, value - half_width,
                    value + half_width, 30.0, 100, 100.0, 1.0)


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(8, (2, 2, 2, 2)), (9, (2, 3, 2, 2)), (10, (2, 3, 3, 2)), (11, (2, 4, 3, 2)),
     (63, (15, 17, 16, 15)), (3, (0, 2, 1, 0)), (0, (0, 0, 0, 0))],
)
def test_group_sizes_put_the_remainder_in_the_middle(count, sizes):
    assert group_sizes(count) == sizes
    assert sum(sizes) == count


def test_units_are_ordered_and_grouped_by_point_estimate():
    values = {"A": 90.0, "B": 70.0, "C": 85.0, "D": 60.0, "E": 95.0, "F": 80.0, "G": 75.0, "H": 65.0}
    ranking = rank_groups((name, unit(value)) for name, value in values.items())
    assert [u.name for u in ranking.units] == ["E", "A", "C", "F", "G", "B", "H", "D"]
    assert [u.rank for u in ranking.units] == list(range(1, 9))
    assert [u.group for u in ranking.units] == [g for g in GROUPS for _ in range(2)]
    assert ranking.cuts == (87.5, 77.5, 67.5)
    assert all(u.notes == () for u in ranking.units)
    assert "8" in ranking.rule and "remainder goes to the middle groups" in ranking.rule


def test_lower_is_better_reverses_the_order():
    ranking = rank_groups([("x", unit(0.1)), ("y", unit(0.3)), ("z", unit(0.2)), ("w", unit(0.4))],
                          higher_is_better=False)
    assert [u.name for u in ranking.units] == ["x", "z", "y", "w"]
    assert "lower is better" in ranking.rule


def test_an_interval_over_a_cut_gets_a_note():
    units = [("A", unit(90.0, 1.0)), ("B", unit(80.0, 6.0)), ("C", unit(70.0, 1.0)),
             ("D", unit(60.0, 1.0))]
    ranking = rank_groups(units)
    notes = {u.name: u.notes for u in ranking.units}
    # Cuts: 85 (A|B), 75 (B|C), 65 (C|D). B's interval [74, 86] contains 85 and 75.
    assert len(notes["B"]) == 2
    assert "85" in notes["B"][0] and "highest" in notes["B"][0] and "high_average" in notes["B"][0]
    assert notes["A"] == notes["C"] == notes["D"] == ()


def test_ties_are_ordered_by_name_and_missing_estimates_are_not_ranked():
    units = [("b", unit(50.0)), ("a", unit(50.0)), ("c", unit(math.nan)), ("d", unit(40.0))]
    ranking = rank_groups(units)
    assert [u.name for u in ranking.units] == ["a", "b", "d"]
    assert ranking.unranked == ("c",)
    assert ranking.sizes == (0, 2, 1, 0)
