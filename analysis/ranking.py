"""Four-group rankings (highest, high-average, low-average, lowest), as PAPI groups provinces.

Units are ordered by their point estimates and split into quartile groups.  Point estimates carry
sampling error, so every unit whose confidence interval contains a cut between two groups gets a note:
its group is not settled by the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from analysis.estimate import Estimate

GROUPS = ("highest", "high_average", "low_average", "lowest")

GROUP_TEXT = {
    "highest": "Nhóm cao nhất / highest",
    "high_average": "Nhóm trung bình cao / high-average",
    "low_average": "Nhóm trung bình thấp / low-average",
    "lowest": "Nhóm thấp nhất / lowest",
}


@dataclass(frozen=True)
class RankedUnit:
    """One unit's place: rank 1 is the best, ``notes`` explain unsettled places."""

    name: str
    estimate: Estimate
    rank: int
    group: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Ranking:
    """Ranked units, group sizes, the cut values between groups and the grouping rule as text."""

    units: tuple[RankedUnit, ...]
    sizes: tuple[int, int, int, int]
    cuts: tuple[float, ...]
    rule: str
    unranked: tuple[str, ...]


def group_sizes(count: int) -> tuple[int, int, int, int]:
    """Split ``count`` units into four groups; the remainder goes to the middle groups.

    With ``count = 4q + r``: r = 1 gives (q, q+1, q, q); r = 2 gives (q, q+1, q+1, q); r = 3 gives
    (q, q+2, q+1, q): extra units go alternately to high-average and low-average, high-average first.
    """
    quarter, remainder = divmod(count, 4)
    sizes = [quarter] * 4
    for extra in range(remainder):
        sizes[1 + extra % 2] += 1
    return tuple(sizes)


def rank_groups(units: Iterable[tuple[str, Estimate]], *, higher_is_better: bool = True) -> Ranking:
    """Rank units by point estimate and split them into four groups by quartiles.

    Parameters
    ----------
    units : iterable of (name, Estimate)
    higher_is_better : bool
        False for indicators where a lower value is better (e.g. share of late dossiers).

    Returns
    -------
    Ranking
        Units without a finite point estimate are listed in ``unranked``.  Ties are ordered by name.
        A cut is the midpoint between the last point estimate of one group and the first of the next;
        a unit whose interval contains a cut gets a note naming the two groups.
    """
    units = list(units)
    unranked = tuple(name for name, estimate in units if not np.isfinite(estimate.estimate))
    ranked = [(name, estimate) for name, estimate in units if np.isfinite(estimate.estimate)]
    sign = -1.0 if higher_is_better else 1.0
    ranked.sort(key=lambda item: (sign * item[1].estimate, item[0]))
    sizes = group_sizes(len(ranked))
    labels = [group for group, size in zip(GROUPS, sizes) for _ in range(size)]
    cuts = _cuts(ranked, labels)
    result = []
    for rank, ((name, estimate), group) in enumerate(zip(ranked, labels), start=1):
        notes = tuple(
            f"Khoảng tin cậy chứa ngưỡng {value:.6g} giữa {GROUP_TEXT[upper]} và {GROUP_TEXT[lower]} / "
            f"the interval contains the cut {value:.6g} between {upper} and {lower}"
            for upper, lower, value in cuts
            if estimate.ci_low <= value <= estimate.ci_high
        )
        result.append(RankedUnit(name, estimate, rank, group, notes))
    return Ranking(
        units=tuple(result),
        sizes=sizes,
        cuts=tuple(value for _, _, value in cuts),
        rule=_rule_text(len(ranked), sizes, higher_is_better),
        unranked=unranked,
    )


def _cuts(ranked: list[tuple[str, Estimate]], labels: list[str]) -> list[tuple[str, str, float]]:
    """Return (upper group, lower group, value) for every boundary between two non-empty groups."""
    cuts = []
    for position in range(1, len(ranked)):
        if labels[position] != labels[position - 1]:
            value = (ranked[position - 1][1].estimate + ranked[position][1].estimate) / 2
            cuts.append((labels[position - 1], labels[position], value))
    return cuts


def _rule_text(count: int, sizes: tuple[int, int, int, int], higher_is_better: bool) -> str:
    """Describe the grouping rule in Vietnamese, then English."""
    order_vi = "từ cao xuống thấp" if higher_is_better else "từ thấp lên cao (thấp hơn là tốt hơn)"
    order_en = "highest first" if higher_is_better else "lowest first (lower is better)"
    listed = " / ".join(str(size) for size in sizes)
    return (
        f"{count} đơn vị xếp theo ước lượng điểm {order_vi}, chia bốn nhóm theo tứ phân vị "
        f"({listed}); phần dư khi không chia hết cho 4 được đưa vào hai nhóm giữa. "
        f"{count} units ordered by point estimate, {order_en}, split into four quartile groups "
        f"({listed}); when the count is not divisible by four the remainder goes to the middle groups "
        f"(high-average first)."
    )
