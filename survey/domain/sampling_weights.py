"""From a drawn design to analysis variables: strata and PSUs with certainty units, adjustment classes.

Certainty units are not sampled, so they cannot be primary sampling units: a unit selected with
certainty becomes a stratum of its own and the units selected inside it become the PSUs (Kish 1965,
section 11.7; Wolter 2007, section 1.6). Below the PSU the design is treated as the ultimate
cluster: variance comes from the PSU totals, sampled with replacement.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class PathStep:
    """One stage on the way from the first stage down to a village."""

    code: str
    certainty: bool
    group_selected: int
    group_units: int


@dataclass(frozen=True)
class Position:
    """A respondent's stratum, PSU and second-stage unit, with the population counts of their groups."""

    strata: str
    psu: str
    ssu: str | None
    fpc_psu: float | None
    fpc_ssu: float | None


def design_position(stratum: str, path: list[PathStep], respondent: str) -> Position:
    """Return where a respondent sits in the analysis design.

    Walking down from the first stage, a certainty unit is added to the stratum name and its
    selected children are examined next; the walk stops at the first unit that is not a
    certainty unit, or at the children of a certainty unit when it has two or more of them
    (they are the PSUs of that stratum, even when one of them was also a certainty selection,
    which treats it, conservatively, as sampled). When every stage was taken with certainty the
    respondents of the village are the PSUs. ``fpc_*`` are the numbers of units the PSU and the
    SSU were drawn from.
    """
    parts = [stratum or "-"]
    level = 0
    while path[level].certainty:
        parts.append(path[level].code)
        level += 1
        if level == len(path):
            return Position("/".join(parts), respondent, None, None, None)
        if path[level].group_selected >= 2:
            break
    below = path[level + 1] if level + 1 < len(path) else None
    return Position("/".join(parts), path[level].code, below.code if below else respondent,
                    float(path[level].group_units), float(below.group_units) if below else None)


def adjustment_classes(chains: dict[str, list[str]], respondents: dict[str, int],
                       minimum: int) -> dict[str, str]:
    """Return the non-response adjustment class of every village.

    Parameters
    ----------
    chains : village code -> [village, its selected parent, ..., top key]; the top key (the
        stratum) is where collapsing stops
    respondents : village code -> number of respondents
    minimum : a class needs at least this many respondents

    Notes
    -----
    A village is its own class when it has ``minimum`` respondents or more. Otherwise every
    village under its selected parent (the commune) is merged into one class, and so on up the
    chain while a class stays short. The rule is applied until nothing changes, so a village
    never shares a class with a village of another commune while its own commune has enough
    respondents.
    """
    depth = {village: 0 for village in chains}
    while True:
        keys = {village: chains[village][depth[village]] for village in chains}
        totals = Counter()
        for village, key in keys.items():
            totals[key] += respondents.get(village, 0)
        changed = False
        for village, key in keys.items():
            level = depth[village]
            if totals[key] < minimum and level + 1 < len(chains[village]):
                parent = chains[village][level + 1]
                for other, chain in chains.items():
                    if level + 1 < len(chain) and chain[level + 1] == parent and depth[other] <= level:
                        depth[other] = level + 1
                        changed = True
        if not changed:
            return keys
