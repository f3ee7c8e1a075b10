"""From a drawn design to analysis variables: strata and PSUs with certainty units, adjustment classes.

Certainty units are not sampled, so they cannot be primary sampling units: a unit selected with
certainty becomes a stratum of its own and the units selected inside it become the PSUs (Kish 1965,
section 11.7; Wolter 2007, section 1.6). Below the PSU the design is treated as the ultimate
cluster: variance comes from the PSU totals, sampled with replacement.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PathStep:
    """One stage on the way from the first stage down to a village."""

    code: str
    certainty: bool
    group_selected: int
    group_units: int
    group_certain: int = 0


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
    SSU were drawn from; at the first stage the certainty units, which are strata of their own,
    are left out of the PSU's count.
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
    units = path[level].group_units - (path[level].group_certain if level == 0 else 0)
    return Position("/".join(parts), path[level].code, below.code if below else respondent,
                    float(units), float(below.group_units) if below else None)


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
    Every village starts as its own class. While a class has fewer than ``minimum``
    respondents (lowest levels first), it is merged with the smallest other class under the
    same selected parent (the other village of its commune); when it has no such sibling it is
    lifted to its parent (the commune, then the district, ...) and merged there. A class holding every village of a parent
    is named after the parent (e.g. the commune code); other merges join the names with "+".
    """
    classes = {village: (village, 0, {village}) for village in chains}  # key -> (name, level, members)
    count = {key: respondents.get(key, 0) for key in classes}
    settled: set[str] = set()
    while True:
        short = sorted((classes[key][1], count[key], key) for key in classes
                       if count[key] < minimum and key not in settled)
        if not short:
            break
        key = short[0][2]
        name, level, members = classes[key]
        top = len(chains[next(iter(members))]) - 1
        parent = chains[next(iter(members))][min(level + 1, top)]
        siblings = sorted((count[k], k) for k, (_, lv, m) in classes.items()
                          if k != key and all(parent in chains[v] for v in m))
        if not siblings:
            if level + 1 > top:
                settled.add(key)
                continue
            classes[key] = (parent, level + 1, members)
            continue
        _, other = siblings[0]
        merged = members | classes[other][2]
        under = {v for v, chain in chains.items() if parent in chain}
        merged_name = parent if merged == under else "+".join(sorted((name, classes[other][0])))
        count[key] += count.pop(other)
        del classes[other]
        classes[key] = (merged_name, level, merged)
    return {village: name for name, _, members in classes.values() for village in members}
