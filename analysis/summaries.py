"""Summaries of unweighted kiosk and QR ratings from counts per domain and rating.

Kiosk ratings are not a probability sample: each rating is treated as an independent Bernoulli
trial and the share satisfied gets a Wilson interval with the actual number of ratings.  The
input is what SQL returns from ``GROUP BY domain, rating``, so the cost grows with the number of
domains, not of ratings.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import replace

from analysis.estimate import Estimate
from analysis.intervals import wilson
from analysis.reliability import reliability_flags


def rating_summary(
    counts: Mapping[tuple[Hashable, Hashable], int],
    satisfied: Iterable = (4, 5),
    level: float = 0.95,
) -> list[Estimate]:
    """Return the share of satisfied ratings per domain with a Wilson interval.

    Parameters
    ----------
    counts : mapping (domain_key, rating) -> count
        ``domain_key`` is None (no domain), a tuple of ``(column, value)`` pairs, or a single value
        (reported as ``{"domain": value}``).
    satisfied : iterable
        The ratings that count as satisfied (4 and 5 of a five-point scale).
    level : float

    Returns
    -------
    list of Estimate
        One per domain, sorted by domain key: ``p = x / n``, ``se = sqrt(p (1 - p) / n)``,
        Wilson interval (method ``wilson``), ``df = inf``, ``n_eff = n``, ``deff = 1``.

    Notes
    -----
    Wilson, E. B. (1927). JASA 22, 209-212; recommended for binomial proportions by Brown, Cai and
    DasGupta (2001), Statistical Science 16, 101-133.
    """
    satisfied = frozenset(satisfied)
    totals: dict = {}
    for (key, rating), count in counts.items():
        if count < 0 or int(count) != count:
            raise ValueError(
                f"số lượt của {key!r}, mức {rating!r} phải là số nguyên >= 0, không phải {count} / "
                f"count for {key!r}, rating {rating!r} must be a whole number >= 0, not {count}"
            )
        x, n = totals.get(key, (0, 0))
        totals[key] = (x + (count if rating in satisfied else 0), n + count)
    target = "rating in {" + ", ".join(str(r) for r in sorted(satisfied, key=str)) + "}"
    results = []
    for key in sorted(totals, key=lambda k: (k is not None, str(k))):
        x, n = totals[key]
        results.append(_share(key, int(x), int(n), level, target))
    return results


def _domain(key) -> dict | None:
    if key is None:
        return None
    if isinstance(key, tuple) and all(isinstance(part, tuple) and len(part) == 2 for part in key):
        return {str(column): value for column, value in key}
    return {"domain": key}


def _share(key, x: int, n: int, level: float, target: str) -> Estimate:
    if n == 0:
        return Estimate(
            "proportion",
            target,
            _domain(key),
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            math.inf,
            0,
            math.nan,
            math.nan,
            level,
            "wilson",
            ("empty_domain",),
        )
    p = x / n
    low, high = wilson(x, n, level)
    result = Estimate(
        "proportion",
        target,
        _domain(key),
        p,
        math.sqrt(p * (1 - p) / n),
        low,
        high,
        math.inf,
        n,
        float(n),
        1.0,
        level,
        "wilson",
    )
    return replace(result, flags=reliability_flags(result))
